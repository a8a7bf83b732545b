"""Drawing storyboard pictures with PIL: panels (`panel`) and the figures in them (`figures`).
The animatic renderer, reference sheets and the export's contact sheets share it."""
