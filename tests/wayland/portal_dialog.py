#!/usr/bin/python3
"""Answers the desktop portal's dialog on the headless GNOME rig the way a person would: by
clicking it (through Mutter's own remote-desktop interface, which needs no dialog).

usage: portal_dialog.py screen|input|cancel [TIMEOUT_S]
  screen  the screen-cast dialog: pick the monitor, then Share
  input   the remote-desktop dialog: switch "Allow remote interaction" on, then Share
  cancel  either dialog: Cancel
Waits (up to TIMEOUT_S, default 60) for the dialog to show, answers it, and exits 0 once it is
gone; 1 if it never showed or did not go. Positions are those of GNOME 43's dialogs on the rig's
1280x720 monitor outside the Overview (which it leaves first through GNOME Shell's OverviewActive
property); the first click, on the dialog's empty lower part, gives the dialog the focus."""
import subprocess, sys, tempfile, time, os
from gi.repository import Gio, GLib

MODE = sys.argv[1]
TIMEOUT = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
W, H = 1280, 720
BODY = (640, 480)          # the dialog's empty lower part
SHARE, CANCEL = (852, 249), (430, 249)
SHARE_EDGE = (816, 236)    # the Share button beside its label: blue (pale while disabled)
MONITOR_ROW = (640, 401)   # screen-cast dialog: the monitor to pick
INTERACT = (829, 448)      # remote-desktop dialog: "Allow remote interaction"

bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
RD, SC = 'org.gnome.Mutter.RemoteDesktop', 'org.gnome.Mutter.ScreenCast'
def call(dest, path, iface, method, args=None, rtype=None):
    return bus.call_sync(dest, path, iface, method, args, rtype, 0, -1, None).unpack()
rd, = call(RD, '/org/gnome/Mutter/RemoteDesktop', RD, 'CreateSession', None, GLib.VariantType('(o)'))
sid = bus.call_sync(RD, rd, 'org.freedesktop.DBus.Properties', 'Get',
                    GLib.Variant('(ss)', (RD + '.Session', 'SessionId')), None, 0, -1, None).unpack()[0]
sc, = call(SC, '/org/gnome/Mutter/ScreenCast', SC, 'CreateSession',
           GLib.Variant('(a{sv})', ({'remote-desktop-session-id': GLib.Variant('s', sid)},)), GLib.VariantType('(o)'))
stream, = call(SC, sc, SC + '.Session', 'RecordMonitor', GLib.Variant('(sa{sv})', ('', {})), GLib.VariantType('(o)'))
node = []
bus.signal_subscribe(None, SC + '.Stream', 'PipeWireStreamAdded', stream, None, 0, lambda *a: node.append(a[5].unpack()[0]))
call(RD, rd, RD + '.Session', 'Start')
end = time.time() + 10
while not node and time.time() < end:
    GLib.MainContext.default().iteration(False); time.sleep(0.01)
if not node:
    sys.exit('no screen stream from Mutter')
raw = os.path.join(tempfile.mkdtemp(), 'frame.rgb')

def frame():
    r = subprocess.run(['gst-launch-1.0', '-q', 'pipewiresrc', 'path=%d' % node[0], 'num-buffers=1', '!', 'videoconvert',
                        '!', 'video/x-raw,format=RGB', '!', 'filesink', 'location=' + raw], capture_output=True, timeout=20)
    data = open(raw, 'rb').read() if r.returncode == 0 else b''
    return data if len(data) >= W * H * 3 else None

def px(data, p):
    i = (p[1] * W + p[0]) * 3
    return data[i], data[i + 1], data[i + 2]

def dialog_shown():
    data = frame()
    if data is None:
        return False
    body, share = px(data, BODY), px(data, SHARE_EDGE)
    return min(body) >= 235 and share[2] > share[0] + 40

def click(p):
    rds = lambda m, a: call(RD, rd, RD + '.Session', m, a)
    rds('NotifyPointerMotionAbsolute', GLib.Variant('(sdd)', (stream, float(p[0]), float(p[1])))); time.sleep(0.15)
    rds('NotifyPointerButton', GLib.Variant('(ib)', (0x110, True))); rds('NotifyPointerButton', GLib.Variant('(ib)', (0x110, False)))
    time.sleep(0.4)

# GNOME starts in the Overview, where the dialog is drawn smaller elsewhere: leave it first.
try:
    bus.call_sync('org.gnome.Shell', '/org/gnome/Shell', 'org.freedesktop.DBus.Properties', 'Set',
                  GLib.Variant('(ssv)', ('org.gnome.Shell', 'OverviewActive', GLib.Variant('b', False))), None, 0, -1, None)
except GLib.Error as e:
    print('could not leave the Overview:', e.message, file=sys.stderr)
end = time.time() + TIMEOUT
while not dialog_shown():
    if time.time() > end:
        sys.exit('the portal dialog did not show in %d s' % TIMEOUT)
    time.sleep(0.3)
click(BODY)
time.sleep(0.8)
if MODE == 'cancel':
    click(CANCEL)
else:
    click(MONITOR_ROW if MODE == 'screen' else INTERACT)
    click(SHARE)
end = time.time() + 10
while dialog_shown():
    if time.time() > end:
        sys.exit('the portal dialog is still there')
    time.sleep(0.3)
call(RD, rd, RD + '.Session', 'Stop')
print('answered the portal dialog:', MODE)
