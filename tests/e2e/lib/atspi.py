#!/usr/bin/python3
"""Drives a desktop app through the accessibility tree (AT-SPI), as a screen reader sees it.

Run with Debian's python3 (python3-pyatspi) inside the D-Bus session of the app, with the
accessibility bus up. One command per call; the answer is one JSON line on standard output.

  atspi.py tree APP                          every frame's controls: [{frame, role, name, showing}]
  atspi.py wait APP ROLE NAME [SECONDS]      waits until a control with this role and name shows
  atspi.py gone APP ROLE NAME [SECONDS]      waits until no such control shows
  atspi.py press APP NAME [FRAME]            does a push button's first action ("click")
  atspi.py type APP NAME TEXT                sets the text of the field with this name
  atspi.py text APP ROLE NAME                the text of a control
  atspi.py extents APP ROLE NAME             a control's box in its window: [x, y, width, height]
  atspi.py focused APP                       the control that has the keyboard focus: {role, name, frame}
  atspi.py click X Y                         a click of the first mouse button at a point of the screen
  atspi.py keys KEY...                       presses and releases keys (X keysym names: Tab, space, Return)
  atspi.py shot PATH                         a PNG of the whole screen (GDK 3, X11)
NAME matches when equal after removing Unicode isolation marks; FRAME narrows to one window.
"""

import json
import sys
import time

import pyatspi
from gi.repository import GLib

ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"), None)


def clean(s):
    return (s or "").translate(ISOLATES).strip()


def app_named(name):
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        a = desktop.getChildAtIndex(i)
        if a is not None and a.name == name:
            return a
    return None


def walk(acc, depth=0):
    if acc is None or depth > 60:
        return
    yield acc
    for i in range(acc.childCount):
        yield from walk(acc.getChildAtIndex(i), depth + 1)


def showing(acc):
    """Whether a control is on screen: its window shows and it is visible (GTK 4.8 reports
    "showing" only for windows)."""
    try:
        states = acc.getState()
        if acc.getRole() == pyatspi.ROLE_FRAME:
            return states.contains(pyatspi.STATE_SHOWING)
        return states.contains(pyatspi.STATE_VISIBLE)
    except Exception:
        return False


def controls(app):
    out = []
    if app is None:
        return out
    for i in range(app.childCount):
        frame = app.getChildAtIndex(i)
        if frame is None:
            continue
        frame_showing = showing(frame)
        for acc in walk(frame):
            out.append({
                "frame": clean(frame.name),
                "role": acc.getRoleName(),
                "name": clean(acc.name),
                "description": clean(acc.description),
                "showing": frame_showing and showing(acc),
                "acc": acc,
            })
    return out


def find(app_name, role, name, frame=None):
    for c in controls(app_named(app_name)):
        if (role is None or c["role"] == role) and c["name"] == name and c["showing"] \
                and (frame is None or c["frame"] == frame):
            return c
    return None


def wait(pred, seconds):
    deadline = time.time() + seconds
    while True:
        try:
            v = pred()
        except GLib.GError:
            # An object went away while it was read (a window closed, or the app's bridge
            # registered again): look again from the top.
            v = None
        if v:
            return v
        if time.time() > deadline:
            return None
        time.sleep(0.1)


def main(argv):
    cmd = argv[1]
    if cmd == "shot":
        import gi
        gi.require_version("Gdk", "3.0")
        from gi.repository import Gdk
        root = Gdk.get_default_root_window()
        pb = Gdk.pixbuf_get_from_window(root, 0, 0, root.get_width(), root.get_height())
        pb.savev(argv[2], "png", [], [])
        return {"ok": True}
    if cmd == "click":
        pyatspi.Registry.generateMouseEvent(int(argv[2]), int(argv[3]), "b1c")
        return {"ok": True}
    if cmd == "keys":
        import gi
        gi.require_version("Gdk", "3.0")
        from gi.repository import Gdk
        for name in argv[2:]:
            sym = Gdk.keyval_from_name(name)
            if sym == 0:
                return {"ok": False, "why": f"no key {name}"}
            pyatspi.Registry.generateKeyboardEvent(sym, None, pyatspi.KEY_SYM)
            time.sleep(0.15)
        return {"ok": True}
    app = argv[2]
    if cmd == "focused":
        for c in controls(app_named(app)):
            try:
                if c["showing"] and c["acc"].getState().contains(pyatspi.STATE_FOCUSED):
                    return {"ok": True, "role": c["role"], "name": c["name"], "frame": c["frame"]}
            except Exception:
                continue
        return {"ok": False}
    if cmd == "tree":
        return [{k: v for k, v in c.items() if k != "acc"} for c in controls(app_named(app))]
    if cmd in ("wait", "gone"):
        role, name = argv[3], argv[4]
        seconds = float(argv[5]) if len(argv) > 5 else 20
        if cmd == "wait":
            c = wait(lambda: find(app, role, name), seconds)
            return {"ok": c is not None, "frame": c and c["frame"]}
        return {"ok": wait(lambda: find(app, role, name) is None, seconds) is not None}
    if cmd == "press":
        c = find(app, "push button", argv[3], argv[4] if len(argv) > 4 else None)
        if c is None:
            return {"ok": False, "why": "no such button"}
        action = c["acc"].queryAction()
        return {"ok": bool(action.doAction(0)), "action": action.getName(0)}
    if cmd == "type":
        c = None
        for role in ("text", "entry", "password text"):
            c = c or find(app, role, argv[3])
        if c is None:
            return {"ok": False, "why": "no such field"}
        acc = c["acc"]
        try:
            return {"ok": bool(acc.queryEditableText().setTextContents(argv[4]))}
        except NotImplementedError:
            # No editable-text interface: focus the field and type as a keyboard would.
            acc.queryComponent().grabFocus()
            pyatspi.Registry.generateKeyboardEvent(0, argv[4], pyatspi.KEY_STRING)
            return {"ok": True, "typed": True}
    if cmd == "extents":
        c = find(app, argv[3], argv[4])
        if c is None:
            return {"ok": False}
        e = c["acc"].queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        return {"ok": True, "box": [e.x, e.y, e.width, e.height]}
    if cmd == "text":
        c = find(app, argv[3], argv[4])
        if c is None:
            return {"ok": False}
        t = c["acc"].queryText()
        return {"ok": True, "text": t.getText(0, t.characterCount)}
    raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv), ensure_ascii=False))
