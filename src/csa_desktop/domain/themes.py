"""Cross-cutting themes: the Serious Violence Duty theme every copy agrees on.

Copies made before themes had one Serious Violence Duty flag on key issues; the upgrade (the
migration, and an older bundle on import) makes it this theme, with the same uid everywhere,
so a lead and its districts upgraded apart still hold one theme.
"""

from __future__ import annotations

SERIOUS_VIOLENCE_DUTY_UID = "5d4f7a0e-2c1b-5e8a-9f3d-6b7c8d9e0a1f"
SERIOUS_VIOLENCE_DUTY = "Serious Violence Duty"
SERIOUS_VIOLENCE_DUTY_TEXT = ("The duty on specified authorities (Police, Crime, Sentencing and "
                              "Courts Act 2022) to work together to prevent and reduce serious "
                              "violence.")
SERIOUS_VIOLENCE_DUTY_POSITION = "V"


def theme_uids_for_flag(flag: object) -> list[str]:
    """An older record's `serious_violence_duty` as the themes it stands for."""
    return [SERIOUS_VIOLENCE_DUTY_UID] if flag is True else []


def serious_violence_duty_fields() -> dict[str, object]:
    """The theme record's fields as a bundle or snapshot carries them."""
    return {"name": SERIOUS_VIOLENCE_DUTY, "description": SERIOUS_VIOLENCE_DUTY_TEXT,
            "position": SERIOUS_VIOLENCE_DUTY_POSITION}
