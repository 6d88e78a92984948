#!/usr/bin/env python3
"""Independent reference linker for mailtls truth files.

Re-derives the truth of a sendmail log from the text alone and compares it with a truth JSON
(as written by `mailtls-synth`, or the `Samples/*.log.truth.json` files):

    python3 Samples/check-truth.py LOG TRUTH.json     # exit 0 when every fact matches
    python3 Samples/check-truth.py LOG --emit         # print the truth JSON for LOG

Rules (log-formats.md §2.9, and the definitions in Samples/README.md):
  * per-process state is keyed by (syslog host, pid); it is reset by a STARTTLS main line
    (either role) and after more than 30 minutes without a line from that (host, pid);
  * a from= line with proto= from a non-loopback relay is an inbound message; it is encrypted
    when proto has the S suffix (ESMTPS, ESMTPSA, UTF8SMTPS...) or the process logged STARTTLS=server;
  * a to= line with mailer esmtp/smtp/relay, stat=Sent... and a non-loopback relay is a delivery;
    it is encrypted when the last STARTTLS=client of the process names the same relay
    (the to= name may be shortenstring()ed to 18 + "..." + 18 characters);
  * peers: server role = PTR name (lowercase) or the bracketed address without "IPv6:";
    client role = relay name, lowercase, one trailing dot removed; loopback peers are left out.
"""
import datetime
import json
import re
import sys
from collections import defaultdict

MON = {m: i + 1 for i, m in enumerate('Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split())}
ENVELOPE = re.compile(r'^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\S+) ([^\[: ]+)(?:\[(\d+)\])?: (.*)$')
MAIN = re.compile(r'^STARTTLS=(server|client), relay=(.*), version=([^,]*), verify=([^,]*), cipher=([^,]*), bits=(\d+)/(\d+)$')
QID = re.compile(r'^([0-9A-Za-x]{8}\d{6,7}): (.*)$')
SENDMAIL_TAGS = ('sm-mta', 'sendmail', 'sm-msp-queue')
GAP_SECONDS = 30 * 60


def loopback(relay):
    r = relay.lower().replace(' (may be forged)', '')
    name, _, rest = r.partition(' ')
    ip = rest.strip('[]') if rest else (name.strip('[]') if name.startswith('[') else '')
    if ip.startswith('ipv6:'):
        ip = ip[5:]
    return name == 'localhost' or ip.startswith('127.') or ip == '::1' or r == 'local'


def server_peer(relay):
    relay = relay.replace(' (may be forged)', '')
    if relay.startswith('['):
        ip = relay[1:relay.index(']')]
        return (ip[5:] if ip.lower().startswith('ipv6:') else ip).lower()
    return relay.split(' ')[0].lower()


def client_peer(name):
    n = name.lower()
    return n[:-1] if n.endswith('.') else n


def same_relay(starttls_name, to_name):
    if starttls_name == to_name:
        return True
    # shortenstring(host, 40): first 18 + "..." + last 18. Split by position: the prefix itself
    # may end with dots ("mail.p...ction.outlook.com." comes from "mail.protection...").
    if len(to_name) == 39 and to_name[18:21] == '...':
        return len(starttls_name) >= 40 and starttls_name.startswith(to_name[:18]) and starttls_name.endswith(to_name[21:])
    return False


def fields(msg):
    """Split `k=v, k=v`; a separator is `, ` followed by `key=`; stat= runs to the end of the line."""
    out = {}
    parts = re.split(r', (?=[a-z_]+=)', msg)
    for i, p in enumerate(parts):
        k, _, v = p.partition('=')
        if k == 'stat':
            out[k] = ', '.join(parts[i:])[5:]
            break
        out.setdefault(k, v)
    return out


def rate(a, b):
    return None if b == 0 else round(a / b, 4)


def derive(path, year):
    state = {}
    c = defaultdict(int)
    by_role, by_ver, by_ciph = defaultdict(int), defaultdict(int), defaultdict(int)
    by_verify = {'server': defaultdict(int), 'client': defaultdict(int)}
    peers, peer_sessions = defaultdict(set), defaultdict(int)
    daily = defaultdict(lambda: defaultdict(int))
    lines = nbytes = 0
    first = last = prev_month = None
    for raw in open(path, 'rb'):
        nbytes += len(raw)
        lines += 1
        m = ENVELOPE.match(raw.decode().rstrip('\n'))
        if not m:
            continue
        month = MON[m[1]]
        if prev_month and month < prev_month:
            year += 1  # Dec -> Jan
        prev_month = month
        ts = datetime.datetime(year, month, int(m[2]), int(m[3]), int(m[4]), int(m[5]))
        first, last = first or ts, ts
        day = ts.date().isoformat()
        host, tag, pid, msg = m[6], m[7], m[8], m[9]
        if tag not in SENDMAIL_TAGS or pid is None:
            continue
        key = (host, pid)
        st = state.get(key)
        if st is None or (ts - st['ts']).total_seconds() > GAP_SECONDS:
            st = {'server': False, 'client': None}
        st['ts'] = ts
        state[key] = st

        mm = MAIN.match(msg)
        if mm:
            role, relay, version, verify, cipher = mm[1], mm[2], mm[3], mm[4], mm[5]
            st = {'ts': ts, 'server': role == 'server', 'client': relay if role == 'client' else None}
            state[key] = st
            c['sessions'] += 1
            by_role[role] += 1
            by_ver[version] += 1
            by_ciph[cipher] += 1
            by_verify[role][verify] += 1
            daily[day]['sessions'] += 1
            if not loopback(relay):
                peers[(role, cipher)].add(server_peer(relay) if role == 'server' else client_peer(relay))
                peer_sessions[(role, cipher)] += 1
            continue
        if 'error: accept failed=' in msg or 'error: connect failed=' in msg:
            c['handshake'] += 1
            continue
        if msg.startswith('AUTH=server, '):
            c['auth'] += 1
            if st['server']:
                c['auth_tls'] += 1
            elif fields(msg).get('mech') in ('PLAIN', 'LOGIN'):
                c['auth_plain'] += 1
            continue
        q = QID.match(msg)
        if not q:
            continue
        body = q[2]
        if body.startswith('from='):
            f = fields(body)
            if 'proto' not in f or loopback(f.get('relay', '')):
                continue
            encrypted = bool(re.match(r'^(UTF8)?E?SMTPS', f['proto'])) or st['server']
            c['in'] += 1
            daily[day]['in'] += 1
            if encrypted:
                c['in_enc'] += 1
                daily[day]['in_enc'] += 1
        elif body.startswith('to='):
            f = fields(body)
            if f.get('mailer') not in ('esmtp', 'smtp', 'relay') or not f.get('stat', '').startswith('Sent'):
                continue
            relay = f.get('relay', '')
            if loopback(relay):
                continue
            c['out'] += 1
            daily[day]['out'] += 1
            if st['client'] is not None and same_relay(st['client'], relay.split(' [')[0]):
                c['out_enc'] += 1
                daily[day]['out_enc'] += 1

    iso = '%Y-%m-%dT%H:%M:%SZ'
    return {
        'bytes': nbytes,
        'lines': lines,
        'period': {'from': first.strftime(iso) if first else None, 'to': last.strftime(iso) if last else None},
        'sessions': {
            'total': c['sessions'],
            'by_role': {'server': by_role['server'], 'client': by_role['client']},
            'by_version': dict(by_ver),
            'by_cipher': dict(by_ciph),
            'by_verify': {k: dict(v) for k, v in by_verify.items()},
        },
        'peers_per_cipher': sorted(
            ({'role': r, 'cipher': ci, 'peers': len(p), 'sessions': peer_sessions[(r, ci)]} for (r, ci), p in peers.items()),
            key=lambda d: (d['role'], d['cipher'])),
        'inbound': {'messages': c['in'], 'encrypted': c['in_enc'], 'rate': rate(c['in_enc'], c['in'])},
        'outbound': {'deliveries': c['out'], 'encrypted': c['out_enc'], 'rate': rate(c['out_enc'], c['out'])},
        'handshake_failures': c['handshake'],
        'auth': {'total': c['auth'], 'over_tls': c['auth_tls'], 'plaintext_password': c['auth_plain']},
        'daily': [{'date': d, 'sessions': v['sessions'],
                   'inbound_rate': rate(v['in_enc'], v['in']), 'outbound_rate': rate(v['out_enc'], v['out']),
                   'inbound_messages': v['in'], 'inbound_encrypted': v['in_enc'],
                   'outbound_deliveries': v['out'], 'outbound_encrypted': v['out_enc']}
                  for d, v in sorted(daily.items())],
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, other = sys.argv[1], sys.argv[2]
    if other == '--emit':
        mine = derive(path, 2026)
        mine['seed'] = 0
        print(json.dumps(mine, indent=2, sort_keys=True))
        return
    truth = json.load(open(other))
    mine = derive(path, int(truth['period']['from'][:4]))
    errors = [k for k in mine if mine[k] != truth.get(k)]
    for k in errors:
        print(f'MISMATCH {k}:\n  log:   {json.dumps(mine[k], sort_keys=True)[:800]}\n  truth: {json.dumps(truth.get(k), sort_keys=True)[:800]}')
    print(f'{path}: {mine["lines"]} lines: ' + ('OK, truth matches the log' if not errors else f'{len(errors)} mismatching keys'))
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
