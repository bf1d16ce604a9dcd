"""Write tests/data/badge_vectors.json: tokens and what a scanner types for them
under US QWERTY, French AZERTY and Arabic layouts (run from the repository root).

Typed forms come from the layout tables below, which restate what each layout
produces for the unshifted digit-row keys a scanner sends: they are written out
here independently of kiosk.badges so that the test compares two sources.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from nacl.signing import SigningKey

from kiosk import badges

# Digit-row output, keys 1..9 then 0, per layout.
LAYOUTS = {
    "us_qwerty": "1234567890",
    "fr_azerty": "&\u00e9\"'(-\u00e8_\u00e7\u00e0",
    "ar_101_windows": "1234567890",
    "ar_linux_xkb": "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660",
}


def typed(token: str, layout: str) -> str:
    row = LAYOUTS[layout]
    return "".join(row[(int(d) - 1) % 10] for d in token)


def main() -> None:
    organiser = SigningKey(bytes(range(32)))
    walkin = SigningKey(bytes(range(32, 64)))
    event = str(uuid.UUID(int=0x01A20707_2C9F_799F_AF44_45F2DBD57931))
    vectors = []
    for i in range(6):
        attendee = str(uuid.UUID(int=0x01A20707_3187_7C24_977D_8FA5AC694D00 + i))
        key, kind = (walkin, badges.KIND_WALK_IN) if i % 2 else (organiser, badges.KIND_INVITEE)
        token = badges.make_token(key, kind, event, attendee)
        vectors.append(
            {
                "token": token,
                "event_id": event,
                "attendee_id": attendee,
                "kind": kind,
                "typed": {layout: typed(token, layout) for layout in LAYOUTS},
            }
        )
    out = Path("tests/data/badge_vectors.json")
    out.write_text(
        json.dumps(
            {
                "layouts": LAYOUTS,
                "organiser_public_key": bytes(organiser.verify_key).hex(),
                "walkin_public_key": bytes(walkin.verify_key).hex(),
                "vectors": vectors,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {len(vectors)} vectors to {out}")


if __name__ == "__main__":
    main()
