//! Serving connections: the gateway's own accept loop on hyper, in place
//! of `axum::serve`, which has neither a connection limit nor header timeouts.
//!
//! - At most `max_connections` connections at once, and `max_per_ip` from one source IP,
//!   TLS handshakes included: a connection over either cap is closed at once.
//! - A client must send a request's headers within `header_timeout` (HTTP/1.1; also the
//!   longest a kept-alive connection may sit idle between requests), else the connection is
//!   closed: a slow-loris client holds a slot that long at most.
//! - HTTP/2 connections carry at most `max_streams` requests at once and are pinged; one that
//!   does not answer within `header_timeout` is closed.
//! - Every request carries its peer address (`ConnectInfo<SocketAddr>`) for the per-IP
//!   limit (limits.rs).
//!
//! TLS: the handshake runs in the connection's own task (tls.rs), under its caps.

use axum::{body::Body, extract::ConnectInfo, Router};
use hyper::body::Incoming;
use hyper_util::{
	rt::{TokioExecutor, TokioIo, TokioTimer},
	server::conn::auto,
};
use std::{
	collections::HashMap,
	future::Future,
	net::{IpAddr, SocketAddr},
	sync::{
		atomic::{AtomicU64, AtomicUsize, Ordering},
		Arc, Mutex,
	},
	time::{Duration, Instant},
};
use tokio::{
	net::TcpListener,
	sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore},
};
use tower::ServiceExt;

/// Connection limits (`medchain-gateway run` flags).
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
	pub max_connections: usize,
	pub max_per_ip: usize,
	pub header_timeout: Duration,
	pub max_streams: u32,
}

impl Default for ConnectionLimits {
	fn default() -> ConnectionLimits {
		ConnectionLimits {
			max_connections: 1024,
			max_per_ip: 64,
			header_timeout: Duration::from_secs(10),
			max_streams: 64,
		}
	}
}

/// Which connections are open, in all and per source IP.
pub struct ConnectionGate {
	limits: ConnectionLimits,
	slots: Arc<Semaphore>,
	per_ip: Mutex<HashMap<IpAddr, usize>>,
	/// Connections closed at once for being over a cap.
	pub refused: AtomicU64,
}

/// An open connection's place under the caps, given back when dropped.
pub struct Admitted {
	gate: Arc<ConnectionGate>,
	ip: IpAddr,
	_slot: OwnedSemaphorePermit,
}

impl Drop for Admitted {
	fn drop(&mut self) {
		if let Ok(mut per_ip) = self.gate.per_ip.lock() {
			if let Some(n) = per_ip.get_mut(&self.ip) {
				*n -= 1;
				if *n == 0 {
					per_ip.remove(&self.ip);
				}
			}
		}
	}
}

impl ConnectionGate {
	pub fn new(limits: ConnectionLimits) -> Arc<ConnectionGate> {
		Arc::new(ConnectionGate {
			limits,
			slots: Arc::new(Semaphore::new(limits.max_connections.max(1))),
			per_ip: Mutex::new(HashMap::new()),
			refused: AtomicU64::new(0),
		})
	}

	/// A place for a new connection from `ip`, if both caps allow it.
	pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<Admitted> {
		let mut per_ip = self.per_ip.lock().ok()?;
		let n = per_ip.entry(ip).or_insert(0);
		if *n >= self.limits.max_per_ip.max(1) {
			if *n == 0 {
				per_ip.remove(&ip);
			}
			self.refused.fetch_add(1, Ordering::Relaxed);
			return None;
		}
		let Ok(slot) = self.slots.clone().try_acquire_owned() else {
			if *n == 0 {
				per_ip.remove(&ip);
			}
			self.refused.fetch_add(1, Ordering::Relaxed);
			return None;
		};
		*n += 1;
		Some(Admitted { gate: self.clone(), ip, _slot: slot })
	}

	/// How many connections are open.
	#[cfg(test)]
	pub fn open(&self) -> usize {
		self.limits.max_connections.max(1) - self.slots.available_permits()
	}
}

/// Serve `app` on `tcp` (over TLS with `tls`) until `shutdown`, then let open connections
/// finish (at most 10 s).
pub async fn serve(
	tcp: TcpListener,
	tls: Option<Arc<rustls::ServerConfig>>,
	app: Router,
	gate: Arc<ConnectionGate>,
	shutdown: impl Future<Output = ()>,
) {
	let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
	let (stop_tx, stop_rx) = watch::channel(false);
	let (done_tx, mut done_rx) = mpsc::channel::<()>(1);
	tokio::pin!(shutdown);
	loop {
		let (stream, peer) = tokio::select! {
			_ = &mut shutdown => break,
			accepted = tcp.accept() => match accepted {
				Ok(pair) => pair,
				Err(e) => {
					// Out of file descriptors and the like: wait, do not spin.
					log::warn!("accept failed: {e}");
					tokio::time::sleep(Duration::from_millis(100)).await;
					continue;
				}
			},
		};
		let Some(admitted) = gate.admit(peer.ip()) else {
			log::debug!("connection from {peer} refused: over the connection caps");
			drop(stream);
			continue;
		};
		let _ = stream.set_nodelay(true);
		let (app, acceptor, stop, done) =
			(app.clone(), acceptor.clone(), stop_rx.clone(), done_tx.clone());
		let limits = gate.limits;
		tokio::spawn(async move {
			match acceptor {
				None => connection(stream, peer, app, limits, stop).await,
				Some(acceptor) => {
					if let Some(tls) = crate::tls::handshake(&acceptor, stream, peer).await {
						connection(tls, peer, app, limits, stop).await
					}
				}
			}
			drop(admitted);
			drop(done);
		});
	}
	let _ = stop_tx.send(true);
	drop(done_tx);
	let _ = tokio::time::timeout(Duration::from_secs(10), done_rx.recv()).await;
}

/// What a connection is doing: requests in flight, and since when it is idle.
struct Activity {
	in_flight: AtomicUsize,
	idle_since: Mutex<Instant>,
}

impl Activity {
	fn touch(&self) {
		if let Ok(mut at) = self.idle_since.lock() {
			*at = Instant::now();
		}
	}

	/// How long the connection has had no request in flight.
	fn idle_for(&self) -> Duration {
		if self.in_flight.load(Ordering::Acquire) > 0 {
			return Duration::ZERO;
		}
		self.idle_since.lock().map(|at| at.elapsed()).unwrap_or_default()
	}
}

/// A request in flight on its connection (until answered or dropped).
struct InFlight(Arc<Activity>);

impl InFlight {
	fn start(activity: &Arc<Activity>) -> InFlight {
		activity.in_flight.fetch_add(1, Ordering::AcqRel);
		InFlight(activity.clone())
	}
}

impl Drop for InFlight {
	fn drop(&mut self) {
		self.0.touch();
		self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
	}
}

/// Serve one connection (HTTP/1.1 or HTTP/2) with the timeouts. Besides hyper's header
/// timeout (HTTP/1.1, once bytes arrive), a connection with no request in flight for
/// `header_timeout` is closed: one that never sends a byte (hyper waits for the first bytes
/// to tell HTTP/1.1 from HTTP/2 with no timeout of its own), and an idle HTTP/2 connection
/// (told to go away first).
async fn connection<I>(
	io: I,
	peer: SocketAddr,
	app: Router,
	limits: ConnectionLimits,
	mut stop: watch::Receiver<bool>,
) where
	I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
	let activity = Arc::new(Activity {
		in_flight: AtomicUsize::new(0),
		idle_since: Mutex::new(Instant::now()),
	});
	let requests = activity.clone();
	let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
		let busy = InFlight::start(&requests);
		let mut request = request.map(Body::new);
		request.extensions_mut().insert(ConnectInfo(peer));
		let answer = app.clone().oneshot(request);
		async move {
			let response = answer.await;
			drop(busy);
			response
		}
	});
	let mut builder = auto::Builder::new(TokioExecutor::new());
	builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
	builder
		.http2()
		.timer(TokioTimer::new())
		.max_concurrent_streams(limits.max_streams)
		.keep_alive_interval(limits.header_timeout)
		.keep_alive_timeout(limits.header_timeout);
	let conn = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
	tokio::pin!(conn);
	let mut watchdog =
		tokio::time::interval((limits.header_timeout / 4).max(Duration::from_millis(20)));
	let mut closing = false;
	loop {
		tokio::select! {
			result = conn.as_mut() => {
				if let Err(e) = result {
					log::trace!("connection from {peer}: {e}");
				}
				return;
			}
			changed = stop.changed() => {
				conn.as_mut().graceful_shutdown();
				if changed.is_err() {
					// Keep serving to the end of the graceful shutdown.
					let _ = conn.as_mut().await;
					return;
				}
			}
			_ = watchdog.tick() => {
				if activity.idle_for() >= limits.header_timeout {
					if closing {
						log::debug!("connection from {peer} closed: idle");
						return;
					}
					// Asked to go away first (HTTP/2 GOAWAY); closed if still open after
					// another header_timeout.
					conn.as_mut().graceful_shutdown();
					closing = true;
					activity.touch();
				}
			}
		}
	}
}

/// Tests only: serve `app` over plain TCP on 127.0.0.1:0; its address.
#[cfg(test)]
pub async fn spawn(app: Router, gate: Arc<ConnectionGate>) -> SocketAddr {
	let tcp = TcpListener::bind("127.0.0.1:0").await.expect("binds");
	let addr = tcp.local_addr().expect("address");
	tokio::spawn(serve(tcp, None, app, gate, std::future::pending()));
	addr
}

#[cfg(test)]
mod tests {
	use super::*;
	use axum::routing::get;
	use tokio::{
		io::{AsyncReadExt, AsyncWriteExt},
		net::TcpStream,
	};

	fn app() -> Router {
		Router::new().route(
			"/peer",
			get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.ip().to_string() }),
		)
	}

	/// Whether the server closed `stream` within `within` (read gives EOF or an error).
	async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
		let mut buf = [0u8; 1024];
		loop {
			match tokio::time::timeout(within, stream.read(&mut buf)).await {
				Err(_) => return false,
				Ok(Ok(0)) | Ok(Err(_)) => return true,
				Ok(Ok(_)) => continue,
			}
		}
	}

	async fn get_peer(addr: SocketAddr) -> String {
		let mut s = TcpStream::connect(addr).await.expect("connects");
		s.write_all(b"GET /peer HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
			.await
			.expect("sends");
		let mut out = Vec::new();
		let _ = s.read_to_end(&mut out).await;
		String::from_utf8_lossy(&out).into_owned()
	}

	#[tokio::test]
	async fn a_slow_loris_connection_is_closed_by_the_header_timeout() {
		let gate = ConnectionGate::new(ConnectionLimits {
			header_timeout: Duration::from_millis(500),
			..ConnectionLimits::default()
		});
		let addr = spawn(app(), gate.clone()).await;
		// Headers dribbled one byte at a time, never finished.
		let mut slow = TcpStream::connect(addr).await.expect("connects");
		let started = std::time::Instant::now();
		let mut closed = false;
		for byte in b"GET /peer HTTP/1.1\r\nhost: x\r\nx-slow: aaaaaaaaaaaaaaaaaaaaaaaaa".iter() {
			if slow.write_all(&[*byte]).await.is_err() {
				closed = true;
				break;
			}
			tokio::time::sleep(Duration::from_millis(100)).await;
			if started.elapsed() > Duration::from_secs(3) {
				break;
			}
		}
		assert!(closed || closed_within(&mut slow, Duration::from_secs(2)).await, "still open");
		assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
		// A connection that sends nothing at all is closed too, and its slot given back.
		let mut idle = TcpStream::connect(addr).await.expect("connects");
		assert!(closed_within(&mut idle, Duration::from_secs(2)).await);
		tokio::time::sleep(Duration::from_millis(50)).await;
		assert_eq!(gate.open(), 0);
		// Ordinary requests are served, with their peer address.
		assert!(get_peer(addr).await.ends_with("127.0.0.1"));
	}

	#[tokio::test]
	async fn the_connection_caps_hold_in_all_and_per_ip() {
		let gate = ConnectionGate::new(ConnectionLimits {
			max_connections: 4,
			max_per_ip: 3,
			header_timeout: Duration::from_secs(30),
			..ConnectionLimits::default()
		});
		let addr = spawn(app(), gate.clone()).await;
		// Three idle connections from 127.0.0.1: the fourth from it is closed at once.
		let mut held = Vec::new();
		for _ in 0..3 {
			held.push(TcpStream::connect(addr).await.expect("connects"));
		}
		tokio::time::sleep(Duration::from_millis(100)).await;
		assert_eq!(gate.open(), 3);
		let mut fourth = TcpStream::connect(addr).await.expect("connects");
		assert!(closed_within(&mut fourth, Duration::from_secs(2)).await, "per-IP cap");
		// Another address still gets a place, up to the cap of 4 in all.
		let other = tokio::net::TcpSocket::new_v4().expect("socket");
		other.bind("127.0.0.2:0".parse().expect("addr")).expect("binds 127.0.0.2");
		let mut other = other.connect(addr).await.expect("connects");
		other.write_all(b"GET /peer HTTP/1.1\r\nhost: x\r\n\r\n").await.expect("sends");
		let mut buf = [0u8; 512];
		let n = other.read(&mut buf).await.expect("answer");
		assert!(String::from_utf8_lossy(&buf[..n]).ends_with("127.0.0.2"));
		assert_eq!(gate.open(), 4);
		let third = tokio::net::TcpSocket::new_v4().expect("socket");
		third.bind("127.0.0.3:0".parse().expect("addr")).expect("binds 127.0.0.3");
		let mut third = third.connect(addr).await.expect("connects");
		assert!(closed_within(&mut third, Duration::from_secs(2)).await, "global cap");
		assert_eq!(gate.refused.load(Ordering::Relaxed), 2);
		// Closing one gives its place back.
		drop(held.pop());
		tokio::time::sleep(Duration::from_millis(100)).await;
		assert_eq!(gate.open(), 3);
		assert!(get_peer(addr).await.ends_with("127.0.0.1"));
	}
}
