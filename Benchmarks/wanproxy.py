#!/usr/bin/env python3
"""A shaping TCP proxy that makes loopback look like a far network (issue 12's WAN profile).

    wanproxy.py --listen 127.0.0.1:0 --target 127.0.0.1:8080 --delay-ms 25 --link-MBps 100 --conn-MBps 8

Every byte read on one side is written to the other after three stages, the same in both directions:
  1. one-way delay: a chunk read at time t becomes eligible at t + delay. Chunks are delayed
     independently (a delay line, not a queue of sleeps), so throughput is not chunk / delay.
  2. per-connection rate: each TCP connection, each direction, is paced to --conn-MBps.
  3. link rate: all connections together, each direction on its own, are paced to --link-MBps
     (one pacer shared by every connection, so N connections share the link first-come first-served).
A chunk is sent in slices; each slice is written when its last byte would have arrived
(start = max(now, connection free, link free); written at start + bytes / rate), so a 64 KiB answer on an
8 MB/s connection arrives 8 ms after its first byte could have, not at once.
A new connection is held for one round trip (2 × delay) before the proxy connects to the target and
relays anything: that is the TCP handshake's cost, so a request's first byte of answer arrives
2 round trips after connect() (handshake, then request and answer).

Units: MB = 10^6 bytes (--link-MBps 100 = 100,000,000 bytes/s). 0 means no cap.
Buffering is bounded: each connection and direction holds at most --buffer-KiB (by default twice the
bandwidth-delay product plus two reads, at least 1 MiB) before it stops reading its source (TCP back-pressure),
and stops writing while the destination's transport holds 1 MiB it could not send yet.
Cost: reads of up to 256 KiB, one timer per slice (slices of ≈ 4 ms at the connection's rate), no copies
beyond the kernel's. On this project's 2-core machine, unshaped (--delay-ms 0 --link-MBps 0 --conn-MBps 0),
it carried ≈ 330 MB/s with 4 connections at once while other builds loaded the machine (≈ 0.9 s of CPU per GB);
Benchmarks/run.sh measures it again in each WAN run.
Not modelled: packet loss, TCP slow start and congestion control (a connection is at full rate from its
first byte), jitter.

Prints its profile and a `WANPROXY_LISTEN=host:port` line on start (stdout, flushed); on SIGUSR1 a line
`WANPROXY_STATS up=BYTES down=BYTES connections=N peak_open=N cpu=SECONDS` (totals since start: up is
client → target, down target → client); on SIGTERM or SIGINT what it carried, then exits 0.
Standard library only (asyncio).
"""
import argparse
import asyncio
import collections
import os
import signal
import socket
import sys
import time

READ_SIZE = 256 * 1024  # asyncio's selector transport reads at most this much per recv()


class Pacer:
    """Paces bytes to `rate` bytes/s: `next_free` is the loop time at which the pacer is free again."""

    __slots__ = ("rate", "next_free")

    def __init__(self, rate):
        self.rate = rate  # bytes per second; 0 = no cap
        self.next_free = 0.0


class Stats:
    def __init__(self):
        self.bytes = [0, 0]  # client → target, target → client
        self.connections = 0
        self.open = 0
        self.peak_open = 0
        self.peak_buffered = 0
        self.first = None
        self.last = None


class Pipe:
    """One direction of one connection: the delay line, the pacing, the write, the back-pressure."""

    def __init__(self, conn, direction, src, dst):
        proxy = conn.proxy
        self.connection = conn
        self.proxy = proxy
        self.direction = direction  # 0 = client → target, 1 = target → client
        self.loop = proxy.loop
        self.src = src  # the transport read from (paused when too much is buffered)
        self.dst = dst  # the transport written to
        self.queue = collections.deque()  # [eligible_time, memoryview] (or None: end of stream)
        self.queued = 0
        self.conn_pacer = Pacer(proxy.conn_rate)
        self.link = proxy.link[direction]
        self.timer = None
        self.dst_paused = False
        self.src_paused = False
        self.eof_queued = False
        self.closed = False
        # The slice being delivered: (memoryview, write time) once both pacers have reserved it.
        self.pending = None

    # ---- input
    def feed(self, data):
        now = self.loop.time()
        self.queue.append([now + self.proxy.delay, memoryview(data)])
        self.queued += len(data)
        st = self.proxy.stats
        st.bytes[self.direction] += len(data)
        if st.first is None:
            st.first = now
        st.last = now
        if self.queued > st.peak_buffered:
            st.peak_buffered = self.queued
        if self.queued > self.proxy.buffer_limit and not self.src_paused:
            self.src_paused = True
            self.src.pause_reading()
        if self.timer is None and self.pending is None:
            self.pump()

    def feed_eof(self):
        self.eof_queued = True
        self.queue.append([self.loop.time() + self.proxy.delay, None])
        if self.timer is None and self.pending is None:
            self.pump()

    # ---- output
    def pump(self):
        self.timer = None
        if self.closed or self.dst_paused:
            return
        if self.dst.is_closing():
            self.connection.finish()
            return
        loop = self.loop
        now = loop.time()
        while True:
            if self.pending is not None:
                view, at = self.pending
                if at > now:
                    self.timer = loop.call_at(at, self.pump)
                    return
                self.pending = None
                self.dst.write(view)
                self.queued -= len(view)
                if self.src_paused and self.queued <= self.proxy.buffer_limit // 2:
                    self.src_paused = False
                    self.src.resume_reading()
                if self.dst_paused:
                    return  # resume_writing calls pump again
                now = loop.time()
            if not self.queue:
                return
            head = self.queue[0]
            if head[0] > now:
                self.timer = loop.call_at(head[0], self.pump)
                return
            view = head[1]
            if view is None:
                self.queue.popleft()
                self.connection.end_of_stream(self)
                return
            # Take one slice of the head chunk and reserve it on both pacers.
            n = min(len(view), self.proxy.slice_size)
            if n == len(view):
                self.queue.popleft()
                piece = view
            else:
                piece = view[:n]
                head[1] = view[n:]
            at = now
            for p in (self.conn_pacer, self.link):
                if p.rate:
                    # A busy pacer continues from where it is free, even a little in the past (the loop
                    # woke late): late wakeups must not lower the rate. An idle one starts now (no burst).
                    start = p.next_free if p.next_free > now - self.proxy.catch_up else now
                    p.next_free = start + n / p.rate
                    if p.next_free > at:
                        at = p.next_free
            self.pending = (piece, at)

    def pause_writing(self):
        self.dst_paused = True
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def resume_writing(self):
        self.dst_paused = False
        if self.timer is None:
            self.pump()

    def close(self):
        self.closed = True
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.queue.clear()
        self.pending = None


class Side(asyncio.Protocol):
    """One socket of a proxied connection (the accepted client or the connection to the target)."""

    def __init__(self, conn, index):
        self.conn = conn
        self.index = index  # 0 = client side, 1 = target side
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        transport.set_write_buffer_limits(high=1024 * 1024, low=256 * 1024)
        if self.index == 0:
            # Nothing is relayed until the target is connected, one round trip later.
            transport.pause_reading()
            self.conn.proxy.loop.create_task(self.conn.open_target())

    def data_received(self, data):
        self.conn.pipes[self.index].feed(data)

    def eof_received(self):
        self.conn.pipes[self.index].feed_eof()
        return True  # keep the transport open for the other direction

    def pause_writing(self):
        pipe = self.conn.pipes[1 - self.index]
        if pipe is not None:
            pipe.pause_writing()

    def resume_writing(self):
        pipe = self.conn.pipes[1 - self.index]
        if pipe is not None:
            pipe.resume_writing()

    def connection_lost(self, exc):
        self.conn.lost(self.index, exc)


class Connection:
    """A client connection and its connection to the target, with one Pipe per direction."""

    def __init__(self, proxy):
        self.proxy = proxy
        self.sides = [Side(self, 0), Side(self, 1)]
        self.pipes = [None, None]
        self.ended = [False, False]  # the end of stream was delivered (write_eof) in this direction
        self.done = False
        st = proxy.stats
        st.connections += 1
        st.open += 1
        st.peak_open = max(st.peak_open, st.open)

    async def open_target(self):
        proxy = self.proxy
        client = self.sides[0].transport
        # One round trip for the TCP handshake (SYN →, ← SYN-ACK) before the request can leave.
        if proxy.delay:
            await asyncio.sleep(2 * proxy.delay)
        host, port = proxy.target
        try:
            await proxy.loop.create_connection(lambda: self.sides[1], host, port)
        except OSError as e:
            print(f"wanproxy: cannot connect to {host}:{port}: {e}", file=sys.stderr, flush=True)
            self.finish()
            return
        if self.done or client.is_closing():
            self.finish()
            return
        target = self.sides[1].transport
        self.pipes = [Pipe(self, 0, client, target), Pipe(self, 1, target, client)]
        client.resume_reading()

    def end_of_stream(self, pipe):
        """The end of stream reached the far side of `pipe`: pass the FIN on; close when both ended."""
        idx = pipe.direction
        self.ended[idx] = True
        dst = pipe.dst
        if dst.can_write_eof() and not dst.is_closing():
            try:
                dst.write_eof()
            except OSError:
                pass
        if all(self.ended):
            self.finish()  # close() sends what the transports still buffer, then closes

    def lost(self, index, exc):
        if self.done:
            return
        pipe = self.pipes[index]
        if exc is None and pipe is not None and not self.ended[index]:
            if not pipe.eof_queued:
                pipe.feed_eof()  # closed without eof_received: deliver what is queued, then end
            return
        self.finish()

    def finish(self):
        if self.done:
            return
        self.done = True
        self.proxy.stats.open -= 1
        for p in self.pipes:
            if p is not None:
                p.close()
        for s in self.sides:
            if s.transport is not None:
                s.transport.close()


class Proxy:
    def __init__(self, args, loop):
        self.loop = loop
        self.delay = args.delay_ms / 1000.0
        self.target = args.target
        self.link = [Pacer(args.link_MBps * 1e6), Pacer(args.link_MBps * 1e6)]
        self.conn_rate = args.conn_MBps * 1e6
        rates = [r for r in (self.conn_rate, args.link_MBps * 1e6) if r > 0]
        per_conn = min(rates) if rates else 0
        # Slices of about 4 ms at the connection's rate: smooth pacing, few wakeups (16 KiB … 256 KiB).
        self.slice_size = READ_SIZE if not per_conn else int(min(READ_SIZE, max(16384, per_conn * 0.004)))
        if args.buffer_KiB:
            self.buffer_limit = args.buffer_KiB * 1024
        else:
            bdp = per_conn * self.delay if per_conn else 0
            self.buffer_limit = int(max(1024 * 1024, 2 * bdp + 2 * READ_SIZE))
        # How far a pacer may lag behind the clock and still count as busy: timer wakeups come late (≈ 1 ms on an
        # idle machine, 5–40 ms on a loaded one). At most one round trip, so a keep-alive connection's next answer
        # (a round trip after the last) starts fresh instead of bursting.
        self.catch_up = max(0.010, min(0.050, 2 * self.delay))
        self.stats = Stats()


def host_port(text):
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return (host or "127.0.0.1", int(port))


def non_negative(text):
    v = float(text)
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be ≥ 0, got {text}")
    return v


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Shaping TCP proxy: one-way delay, link rate, per-connection rate.",
                                 epilog="MB = 10^6 bytes. 0 = no delay / no cap.")
    ap.add_argument("--listen", type=host_port, default=("127.0.0.1", 0),
                    help="HOST:PORT to listen on (port 0: any free port; default 127.0.0.1:0)")
    ap.add_argument("--target", type=host_port, required=True, help="HOST:PORT to forward to (e.g. arty serve)")
    ap.add_argument("--delay-ms", type=non_negative, default=25.0,
                    help="one-way delay added in each direction, ms (25 → 50 ms round trip; default 25)")
    ap.add_argument("--link-MBps", type=non_negative, default=100.0,
                    help="rate of the whole link, each direction, MB/s shared by all connections (default 100)")
    ap.add_argument("--conn-MBps", type=non_negative, default=8.0,
                    help="rate of each TCP connection, each direction, MB/s (default 8)")
    ap.add_argument("--buffer-KiB", type=int, default=0,
                    help="bytes buffered per connection and direction before reading stops (default: "
                         "2 × bandwidth-delay product + 512 KiB, at least 1 MiB)")
    return ap.parse_args(argv)


def profile_text(args, proxy, listen):
    def rate(r):
        return "no cap" if not r else f"{r:g} MB/s"
    return (f"wanproxy: {listen[0]}:{listen[1]} → {args.target[0]}:{args.target[1]}; one-way delay {args.delay_ms:g} ms "
            f"(round trip {2 * args.delay_ms:g} ms), link {rate(args.link_MBps)} per direction (all connections), "
            f"{rate(args.conn_MBps)} per connection per direction (MB = 10^6 bytes); "
            f"buffer {proxy.buffer_limit // 1024} KiB per connection per direction, slices of {proxy.slice_size // 1024} KiB")


def stats_line(proxy):
    """The counters so far, one machine-readable line (printed on SIGUSR1)."""
    st = proxy.stats
    cpu = os.times()
    return (f"WANPROXY_STATS up={st.bytes[0]} down={st.bytes[1]} connections={st.connections} "
            f"peak_open={st.peak_open} cpu={cpu.user + cpu.system:.2f}")


async def main(argv):
    args = parse_args(argv)
    loop = asyncio.get_running_loop()
    proxy = Proxy(args, loop)
    server = await loop.create_server(lambda: Connection(proxy).sides[0], args.listen[0], args.listen[1],
                                      reuse_address=True, backlog=1024)
    listen = server.sockets[0].getsockname()[:2]
    print(profile_text(args, proxy, listen), flush=True)
    print(f"WANPROXY_LISTEN={listen[0]}:{listen[1]}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, lambda: print(stats_line(proxy), flush=True))
    t0 = time.monotonic()
    await stop.wait()
    server.close()
    st = proxy.stats
    cpu = os.times()
    busy = (st.last - st.first) if st.first is not None else 0.0
    print(f"wanproxy: carried {st.bytes[0]} bytes client→target, {st.bytes[1]} bytes target→client over "
          f"{st.connections} connections (at most {st.peak_open} at once) in {time.monotonic() - t0:.1f} s "
          f"(first to last byte read: {busy:.1f} s); CPU {cpu.user + cpu.system:.2f} s; "
          f"peak buffered per connection and direction {st.peak_buffered // 1024} KiB", flush=True)


if __name__ == "__main__":
    try:
        asyncio.run(main(sys.argv[1:]))
    except KeyboardInterrupt:
        pass
