import socket, sys, time, os
me = sys.argv[1]; n = int(sys.argv[2]); dur = float(sys.argv[3]); bcast = sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.bind(("0.0.0.0", 5999))
s.settimeout(0.05)
start = time.time(); heard = {}; sent = 0; errs = 0; nxt = start
while time.time() - start < dur:
    if time.time() >= nxt and time.time() - start < dur - 3:
        try:
            s.sendto((me + "|" + "x"*400).encode(), (bcast, 5999)); sent += 1
        except OSError as e:
            errs += 1
        nxt += 1.0
    try:
        d, a = s.recvfrom(2048)
        who = d.split(b"|")[0].decode()
        if who != me: heard[who] = heard.get(who, 0) + 1
    except socket.timeout:
        pass
print(me, "sent", sent, "errs", errs, "heard_nodes", len(heard), "heard_total", sum(heard.values()), flush=True)
