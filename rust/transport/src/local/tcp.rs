//! The local-mode wire: one TCP stream on loopback per connection.
//!
//! Every instance listens on `127.0.0.1:<port base + user number>`, so finding a user takes no
//! directory and no daemon, and the kernel reports at once when a user is not there or when
//! its process ends. Sockets are non-blocking and served from the caller's `poll`.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use log::debug;
use rustc_hash::FxHashMap;
use smp_protocol::SteamId;

use super::codec::{self, CodecError, Frame};
use super::identity::{port_of, user_of};
use crate::emulated::{LinkId, Unsent, Wire, WireEvent, wire::WIRE_VERSION};

/// How long a closing link may take to flush before it is cut.
const LINGER: Duration = Duration::from_secs(5);
const READ_CHUNK: usize = 64 * 1024;
const READS_PER_POLL: usize = 64;
const DIAL_TIMEOUT: Duration = Duration::from_secs(1);
/// How long an ending process waits for the kernel to take what it still has to send.
const EXIT_FLUSH: Duration = Duration::from_millis(200);
/// How much a link holds back, waiting to write several messages at once, before it writes
/// anyway: a frame's worth of game traffic, so that a burst costs one system call, not one
/// per message.
const HOLD_BACK: usize = 64 * 1024;

struct TcpLink {
    stream: TcpStream,
    outgoing: Vec<u8>,
    written: usize,
    /// The bytes of unreliable messages appended to `outgoing` since it was last written
    /// whole: what Steam reports as pending unreliable.
    unreliable_unsent: usize,
    /// `incoming[..filled]` was read and not decoded yet; the rest is room for the next reads,
    /// zeroed once when it grows, so that a read does not clear 64 KiB first (an idle game
    /// polls every link every frame).
    incoming: Vec<u8>,
    filled: usize,
    /// Who is at the other end; unknown for an incoming stream until its `Open`.
    remote: Option<SteamId>,
    /// Set once we closed: flush, half-close, wait for the remote's end, then drop.
    closing_until: Option<Instant>,
    /// Our side of the stream is shut: everything we had to say was written.
    write_shut: bool,
}

impl TcpLink {
    fn new(stream: TcpStream, remote: Option<SteamId>) -> std::io::Result<Self> {
        stream.set_nonblocking(true)?;
        stream.set_nodelay(true)?;
        Ok(TcpLink {
            stream,
            outgoing: Vec::new(),
            written: 0,
            unreliable_unsent: 0,
            incoming: Vec::new(),
            filled: 0,
            remote,
            closing_until: None,
            write_shut: false,
        })
    }

    /// Writes what the kernel takes. Err means the stream is broken.
    fn flush(&mut self) -> std::io::Result<()> {
        while self.written < self.outgoing.len() {
            match self.stream.write(&self.outgoing[self.written..]) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => self.written += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if self.written == self.outgoing.len() {
            self.outgoing.clear();
            self.written = 0;
            self.unreliable_unsent = 0;
        }
        Ok(())
    }

    /// Ends the stream as a process that quits must: everything written, then the end of
    /// stream. Closing a socket with unread data would instead reset the stream, discarding
    /// what the kernel had not sent yet, so what arrived is read away first.
    fn finish(&mut self, deadline: Instant) {
        while !self.outgoing.is_empty() && Instant::now() < deadline {
            if self.flush().is_err() {
                return;
            }
            if !self.outgoing.is_empty() {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let _ = self.stream.shutdown(Shutdown::Write);
        self.filled = 0;
        let _ = self.fill();
        self.filled = 0;
    }

    /// Drops every frame not yet started, keeping a frame already partly written whole.
    fn discard_unsent(&mut self) {
        let mut end = 0;
        while end < self.written {
            match codec::decode(&self.outgoing[end..]) {
                Ok(Some((_, len))) => end += len,
                _ => break,
            }
        }
        self.outgoing.truncate(end.max(self.written));
    }

    /// Reads what is there, up to a bound per poll so one busy sender cannot starve the others.
    /// Ok(false) means the remote closed the stream.
    fn fill(&mut self) -> std::io::Result<bool> {
        for _ in 0..READS_PER_POLL {
            let end = self.filled + READ_CHUNK;
            if self.incoming.len() < end {
                self.incoming.resize(end, 0);
            }
            match self.stream.read(&mut self.incoming[self.filled..end]) {
                Ok(0) => return Ok(false),
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(true),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }
}

/// What became of a link in one poll.
enum Outcome {
    Open,
    /// Ended; the endpoint hears `Lost` with this explanation unless it already heard `Closed`.
    Ended(Option<String>),
}

/// The wire of one local-mode user.
pub struct TcpWire {
    identity: SteamId,
    port_base: u16,
    listener: TcpListener,
    links: FxHashMap<LinkId, TcpLink>,
    next_link: u64,
}

impl TcpWire {
    /// Listens as `identity`, on the port its user number gives.
    pub fn bind(identity: SteamId, port_base: u16) -> Result<Self, String> {
        let user =
            user_of(identity).ok_or_else(|| format!("{identity} is not a local-mode user"))?;
        let port =
            port_of(port_base, identity).ok_or_else(|| format!("no port for local user {user}"))?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| {
            if e.kind() == ErrorKind::AddrInUse {
                format!(
                    "local user {user} is taken: another process listens on 127.0.0.1:{port} \
                     (give each instance its own STEAM_LOCAL_USER)"
                )
            } else {
                format!("cannot listen on 127.0.0.1:{port} for local user {user}: {e}")
            }
        })?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot make the local-mode listener non-blocking: {e}"))?;
        Ok(TcpWire {
            identity,
            port_base,
            listener,
            links: FxHashMap::default(),
            next_link: 1,
        })
    }

    fn add_link(&mut self, link: TcpLink) -> LinkId {
        let id = LinkId(self.next_link);
        self.next_link += 1;
        self.links.insert(id, link);
        id
    }

    /// Appends a frame; writes it now when `now`, or when the link holds back too much.
    fn write(&mut self, link: LinkId, now: bool, encode: impl FnOnce(&mut TcpLink)) {
        if let Some(tcp) = self.links.get_mut(&link) {
            encode(tcp);
            if now || tcp.outgoing.len() - tcp.written >= HOLD_BACK {
                // Errors surface on the next poll, as a lost link.
                let _ = tcp.flush();
            }
        }
    }

    fn accept_incoming(&mut self) {
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => match TcpLink::new(stream, None) {
                    Ok(link) => {
                        self.add_link(link);
                    }
                    Err(e) => debug!("dropped an incoming local-mode stream: {e}"),
                },
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    debug!("local-mode listener: {e}");
                    break;
                }
            }
        }
    }

    fn serve(
        link: LinkId,
        tcp: &mut TcpLink,
        now: Instant,
        events: &mut Vec<WireEvent>,
    ) -> Outcome {
        if let Err(e) = tcp.flush() {
            return Outcome::Ended(Some(broken(tcp.remote, &e)));
        }
        if let Some(until) = tcp.closing_until {
            if tcp.outgoing.is_empty() && !tcp.write_shut {
                let _ = tcp.stream.shutdown(Shutdown::Write);
                tcp.write_shut = true;
            }
            // Read and drop what the remote still sends until it hangs up: closing with
            // unread data would reset the stream, and a reset destroys our close frame in the
            // remote's receive buffer.
            tcp.filled = 0;
            let remote_done = !matches!(tcp.fill(), Ok(true));
            tcp.filled = 0;
            if (tcp.write_shut && remote_done) || now >= until {
                return Outcome::Ended(None);
            }
            return Outcome::Open;
        }
        let open = match tcp.fill() {
            Ok(open) => open,
            Err(e) => return Outcome::Ended(Some(broken(tcp.remote, &e))),
        };
        let mut used = 0;
        let outcome = loop {
            match codec::decode(&tcp.incoming[used..tcp.filled]) {
                Ok(None) => break Outcome::Open,
                Ok(Some((frame, len))) => {
                    used += len;
                    match (frame, tcp.remote) {
                        (
                            Frame::Open {
                                version,
                                from,
                                virtual_port,
                            },
                            None,
                        ) => {
                            tcp.remote = Some(from);
                            events.push(WireEvent::Opened {
                                link,
                                from,
                                virtual_port,
                                version,
                            });
                        }
                        (Frame::Accept, Some(_)) => events.push(WireEvent::Accepted { link }),
                        (
                            Frame::Message {
                                lane,
                                reliable,
                                payload,
                            },
                            Some(_),
                        ) => {
                            let data = payload.to_vec();
                            events.push(WireEvent::Message {
                                link,
                                lane,
                                reliable,
                                data,
                            });
                        }
                        (Frame::Close { reason, debug }, Some(_)) => {
                            let debug = debug.to_owned();
                            events.push(WireEvent::Closed {
                                link,
                                reason,
                                debug,
                            });
                            break Outcome::Ended(None);
                        }
                        _ => break Outcome::Ended(Some("protocol error: unexpected frame".into())),
                    }
                }
                Err(CodecError::TooLong(len)) => {
                    break Outcome::Ended(Some(format!("protocol error: a {len}-byte frame")));
                }
                Err(CodecError::Malformed(kind)) => {
                    break Outcome::Ended(Some(format!(
                        "protocol error: malformed frame of kind {kind}"
                    )));
                }
            }
        };
        tcp.incoming.copy_within(used..tcp.filled, 0);
        tcp.filled -= used;
        match outcome {
            Outcome::Open if !open => Outcome::Ended(Some(format!(
                "the process of {} ended",
                describe(tcp.remote)
            ))),
            outcome => outcome,
        }
    }
}

/// The explanation of a stream that failed: the remote's process ended, most likely.
fn broken(remote: Option<SteamId>, error: &std::io::Error) -> String {
    format!("the stream to {} broke: {error}", describe(remote))
}

fn describe(remote: Option<SteamId>) -> String {
    match remote.and_then(user_of) {
        Some(user) => format!("local user {user}"),
        None => "the remote".to_owned(),
    }
}

impl Drop for TcpWire {
    /// What this user sent before its endpoint went (the process quitting, most often) still
    /// arrives, before the end of its streams.
    fn drop(&mut self) {
        let deadline = Instant::now() + EXIT_FLUSH;
        for tcp in self.links.values_mut() {
            tcp.finish(deadline);
        }
    }
}

impl Wire for TcpWire {
    fn open(&mut self, remote: SteamId, virtual_port: i32) -> Result<LinkId, String> {
        let Some(user) = user_of(remote) else {
            return Err(format!(
                "{remote} is not a local-mode user; local users have the Steam ids of STEAM_LOCAL_USER 1, 2, ..."
            ));
        };
        let port = port_of(self.port_base, remote)
            .ok_or_else(|| format!("no port for local user {user}"))?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let stream = TcpStream::connect_timeout(&addr, DIAL_TIMEOUT)
            .map_err(|e| format!("local user {user} is not running (127.0.0.1:{port}: {e})"))?;
        let mut tcp = TcpLink::new(stream, Some(remote)).map_err(|e| e.to_string())?;
        codec::encode_open(&mut tcp.outgoing, WIRE_VERSION, self.identity, virtual_port);
        tcp.flush()
            .map_err(|e| format!("local user {user} dropped the stream: {e}"))?;
        Ok(self.add_link(tcp))
    }

    fn send_accept(&mut self, link: LinkId) {
        self.write(link, true, |tcp| codec::encode_accept(&mut tcp.outgoing));
    }

    /// Held back until [`Wire::flush`], the next poll, or [`HOLD_BACK`] bytes: Steam's
    /// sockets coalesce messages sent without `NO_NAGLE` the same way (for a few milliseconds).
    fn send_message(&mut self, link: LinkId, lane: u16, reliable: bool, parts: [&[u8]; 2]) {
        self.write(link, false, |tcp| {
            let start = tcp.outgoing.len();
            codec::encode_message(&mut tcp.outgoing, lane, reliable, parts);
            if !reliable {
                tcp.unreliable_unsent += tcp.outgoing.len() - start;
            }
        });
    }

    fn flush(&mut self, link: LinkId) {
        if let Some(tcp) = self.links.get_mut(&link) {
            let _ = tcp.flush();
        }
    }

    fn flush_all(&mut self) {
        for tcp in self.links.values_mut() {
            let _ = tcp.flush();
        }
    }

    fn unsent(&self, link: LinkId) -> Unsent {
        let Some(tcp) = self.links.get(&link) else {
            return Unsent::default();
        };
        let total = tcp.outgoing.len() - tcp.written;
        // Partly written, the oldest frames went first; which were unreliable is not kept, so
        // the split is an estimate then (the total is exact).
        let unreliable = tcp.unreliable_unsent.min(total);
        Unsent {
            reliable: total - unreliable,
            unreliable,
        }
    }

    fn send_close(&mut self, link: LinkId, reason: i32, debug: &str, discard: bool) {
        let Some(tcp) = self.links.get_mut(&link) else {
            return;
        };
        // What was held back to coalesce counts as sent: it goes first, and only what the
        // kernel does not take is discarded.
        let _ = tcp.flush();
        if discard {
            tcp.discard_unsent();
        }
        codec::encode_close(&mut tcp.outgoing, reason, debug);
        let _ = tcp.flush();
        tcp.closing_until = Some(Instant::now() + LINGER);
    }

    fn poll(&mut self, now: Instant, events: &mut Vec<WireEvent>) {
        self.accept_incoming();
        let mut ended = Vec::new();
        for (&link, tcp) in &mut self.links {
            if let Outcome::Ended(lost) = TcpWire::serve(link, tcp, now, events) {
                ended.push((link, lost, tcp.remote.is_some()));
            }
        }
        for (link, lost, known) in ended {
            self.links.remove(&link);
            if let (Some(debug), true) = (lost, known) {
                events.push(WireEvent::Lost { link, debug });
            }
        }
    }
}

#[cfg(test)]
mod tests;
