"""Exports an editor or a crew uses: the timeline (OTIO, FCP 7 XML, CMX 3600 EDL through
OpenTimelineIO's adapters), the storyboard PDF, the contact sheet and the subtitles."""
