#!/usr/bin/env python3
# kubeforge on AWS: may this node look the API's private name up yet?
#
# Usage: endpoint-name.py HOST ZONE MAX_NEGATIVE_TTL [SERVER[:PORT]]
#
# Prints one word:
#   present  HOST has an address: look it up as usual.
#   absent   ZONE itself answers "no such name" for HOST, and says to keep that answer at most
#            MAX_NEGATIVE_TTL seconds: the record is not created yet (its load balancer is still being
#            created), and this lookup is forgotten within seconds.
#   wait     Anything else: ZONE does not answer for this VPC yet (the answer came from elsewhere, such
#            as the public root for `.internal`, whose "no such name" resolvers keep for a day), its SOA
#            still has Route 53's default negative TTL (15 minutes), or the server did not answer.
#
# Why this and not getaddrinfo: an early lookup of HOST, before the zone is associated with the VPC or
# before its SOA is given a short negative TTL, is cached as "no such name" by the VPC's resolver for
# every node, for up to a day; getaddrinfo cannot tell who answered nor for how long. So HOST is asked only
# after three fresh random names in ZONE came back "no such name" from ZONE itself, with its short
# negative TTL: a random name's cached answer harms nobody.
#
# SERVER is the machine's upstream DNS server (systemd-resolved's, from DHCP: the VPC resolver), asked
# directly so that the local cache neither answers nor keeps anything. Standard library only: Ubuntu's
# cloud images ship python3 (cloud-init is written in it), not a DNS client.

import random
import socket
import struct
import sys

TYPE_A = 1
TYPE_CNAME = 5
TYPE_SOA = 6
RCODE_NOERROR = 0
RCODE_NXDOMAIN = 3
PROBES = 3
TIMEOUT_SECONDS = 2.0
USAGE = "Usage: endpoint-name.py HOST ZONE MAX_NEGATIVE_TTL [SERVER[:PORT]]"
RESOLV_CONFS = ("/run/systemd/resolve/resolv.conf", "/etc/resolv.conf")


def upstream_server():
    # The first nameserver of the machine's upstream resolver configuration, skipping local stubs.
    for path in RESOLV_CONFS:
        try:
            with open(path, encoding="utf-8") as conf:
                for line in conf:
                    fields = line.split()
                    if len(fields) >= 2 and fields[0] == "nameserver" and not fields[1].startswith("127."):
                        return fields[1]
        except OSError:
            continue
    return None


def split_server(text):
    # HOST[:PORT] (IPv4) or [HOST]:PORT / bare IPv6, with port 53 by default.
    if text.startswith("["):
        host, _, port = text[1:].partition("]:")
        return host.rstrip("]"), int(port or 53)
    if text.count(":") == 1:
        host, port = text.split(":")
        return host, int(port)
    return text, 53


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        raw = label.encode("ascii")
        if not 0 < len(raw) < 64:
            raise ValueError("bad label in " + name)
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def read_name(message, offset):
    # The name at offset (following compression pointers), and the offset after it.
    labels = []
    end = None
    for _ in range(128):
        length = message[offset]
        if length & 0xC0 == 0xC0:
            if end is None:
                end = offset + 2
            offset = ((length & 0x3F) << 8) | message[offset + 1]
            continue
        if length == 0:
            return ".".join(labels).lower(), end if end is not None else offset + 1
        labels.append(message[offset + 1 : offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length
    raise ValueError("name compression loop")


def ask(server, name, qtype):
    # (rcode, answer records, authority records); each record is (owner, type, ttl, rdata offset, message).
    family = socket.AF_INET6 if ":" in server[0] else socket.AF_INET
    query_id = random.getrandbits(16)
    query = struct.pack(">HHHHHH", query_id, 0x0100, 1, 0, 0, 0) + encode_name(name) + struct.pack(">HH", qtype, 1)
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.settimeout(TIMEOUT_SECONDS)
        sock.sendto(query, server)
        while True:
            message, _ = sock.recvfrom(4096)
            if len(message) >= 12 and struct.unpack(">H", message[:2])[0] == query_id:
                break
    flags, qdcount, ancount, nscount = struct.unpack(">HHHH", message[2:10])
    if not flags & 0x8000:
        raise ValueError("not a response")
    offset = 12
    for _ in range(qdcount):
        _, offset = read_name(message, offset)
        offset += 4
    sections = []
    for count in (ancount, nscount):
        records = []
        for _ in range(count):
            owner, offset = read_name(message, offset)
            rtype, _, ttl, length = struct.unpack(">HHIH", message[offset : offset + 10])
            offset += 10
            records.append((owner, rtype, ttl, offset, message))
            offset += length
        sections.append(records)
    return flags & 0x000F, sections[0], sections[1]


def zone_says_no_such_name(reply, zone, max_ttl):
    # True when a reply is ZONE's own NXDOMAIN, with a negative TTL of at most max_ttl.
    rcode, _, authority = reply
    if rcode != RCODE_NXDOMAIN:
        return False
    for owner, rtype, ttl, offset, message in authority:
        if rtype != TYPE_SOA or owner != zone:
            continue
        _, offset = read_name(message, offset)
        _, offset = read_name(message, offset)
        minimum = struct.unpack(">IIIII", message[offset : offset + 20])[4]
        # RFC 2308 section 5: a negative answer is kept for the lesser of the SOA's TTL and its MINIMUM.
        return min(ttl, minimum) <= max_ttl
    return False


def state(host, zone, max_ttl, server):
    for _ in range(PROBES):
        probe = "kubeforge-probe-%016x.%s" % (random.getrandbits(64), zone)
        if not zone_says_no_such_name(ask(server, probe, TYPE_A), zone, max_ttl):
            return "wait"
    reply = ask(server, host, TYPE_A)
    rcode, answers, _ = reply
    if rcode == RCODE_NOERROR and any(rtype in (TYPE_A, TYPE_CNAME) for _, rtype, _, _, _ in answers):
        return "present"
    return "absent" if zone_says_no_such_name(reply, zone, max_ttl) else "wait"


def main(argv):
    if len(argv) not in (4, 5):
        sys.stderr.write(USAGE + "\n")
        return 2
    host, zone = argv[1].rstrip(".").lower(), argv[2].rstrip(".").lower()
    max_ttl = int(argv[3])
    server_text = argv[4] if len(argv) == 5 else upstream_server()
    if not server_text:
        print("wait")
        sys.stderr.write("no upstream DNS server in %s\n" % " or ".join(RESOLV_CONFS))
        return 0
    try:
        print(state(host, zone, max_ttl, split_server(server_text)))
    except (OSError, ValueError, IndexError, struct.error) as error:
        print("wait")
        sys.stderr.write("DNS probe of %s failed: %s\n" % (zone, error))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
