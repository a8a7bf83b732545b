"""Variations offered side by side: reading what `OfferVariations` left on shots, and the project each
variant would make.

An offer lives in its shot's metadata (`story.edits.OFFER_KEY`) with a digest of the shot it was made
for. While the shot still is that shot, each variant waits for a take (the render pass makes it, as an
extra take of the shot); once the shot changes (a variant kept, or any other edit of it) the offer is
spent and nothing more renders for it, but its variants can still be kept by letter.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from story.edits import OFFER_KEY, OfferVariations, UpdateShot, Variant, apply, offer_base
from story.model import Project, Shot, Take


@dataclass(frozen=True)
class Offer:
    """The variations offered for one shot."""

    shot_id: str
    offer: int
    scope: str
    base: str
    variants: list[Variant]

    def variant(self, label: str) -> Variant | None:
        """The variant with this letter, or None."""
        return next((v for v in self.variants if v.label == label.upper()), None)


def shot_offer(shot: Shot) -> Offer | None:
    """The offer kept on a shot, or None when there is none (or it cannot be read)."""
    data = shot.metadata.get(OFFER_KEY)
    if not isinstance(data, dict):
        return None
    try:
        edit = OfferVariations(
            shot_id=shot.id, offer=data["offer"], scope=data.get("scope", ""), variants=data["variants"]
        )
    except (KeyError, TypeError, ValidationError):
        return None
    return Offer(shot.id, edit.offer, edit.scope, str(data.get("base", "")), list(edit.variants))


def standing(shot: Shot) -> Offer | None:
    """The shot's offer while the shot is still the one it was made for, else None."""
    offer = shot_offer(shot)
    return offer if offer is not None and offer.base == offer_base(shot) else None


def latest_offer(project: Project) -> list[Offer]:
    """The newest offer's parts, one per shot varied, in shot-list order; empty when none was made."""
    offers = [o for o in (shot_offer(s) for s in project.shots) if o is not None]
    if not offers:
        return []
    newest = max(o.offer for o in offers)
    return [o for o in offers if o.offer == newest]


def next_offer(project: Project) -> int:
    """The number a new offer takes."""
    return 1 + max((o.offer for o in (shot_offer(s) for s in project.shots) if o is not None), default=0)


def keep(offer: Offer, variant: Variant) -> UpdateShot:
    """The edit that keeps `variant`: the shot takes its fields."""
    return UpdateShot(shot_id=offer.shot_id, changes=variant.changes)


def varied(project: Project, shot_id: str, variant: Variant) -> Project:
    """The project as it would be with `variant` kept."""
    return apply(project, UpdateShot(shot_id=shot_id, changes=variant.changes))


def take_of(project: Project, shot_id: str, key: str) -> Take | None:
    """A good take of a shot for a render key, or None."""
    take = project.shot(shot_id).take_for(key)
    return None if take is None or take.failed else take
