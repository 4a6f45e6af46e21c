//! The log, kept readable under attack: lines an outsider can cause at will (a TLS handshake
//! that fails, plain http on the https port, a connection over the caps, rustls's own
//! warnings about a peer's alerts) are rate-limited per source of lines. Each source (the
//! record's target, e.g. `rustls::common_state` or `medchain_gateway::tls`) may write
//! `burst` lines per `interval`; the rest of that interval's lines are counted, not written,
//! and one line `suppressed N similar log lines from <target> in the last S s` follows when
//! the interval is over (at the next line logged, or by [`flush_due`], which `run` calls every
//! few seconds). Every other line (the gateway's own work: anchors, seals, start-up) is
//! written as before. The count of suppressed lines is also a Prometheus counter
//! (`medchain_gateway_log_lines_suppressed_total`).

use std::{
	collections::HashMap,
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc, Mutex, OnceLock,
	},
	time::{Duration, Instant},
};

/// Targets whose lines an outsider can cause: the connection-level code and the TLS and
/// HTTP crates under it.
const NOISY_TARGETS: &[&str] = &[
	"medchain_gateway::tls",
	"medchain_gateway::server",
	"rustls",
	"tokio_rustls",
	"hyper",
	"hyper_util",
	"h2",
];

/// Whether lines of `target` are rate-limited.
pub fn is_noisy(target: &str) -> bool {
	NOISY_TARGETS.iter().any(|noisy| {
		target == *noisy || target.strip_prefix(noisy).is_some_and(|rest| rest.starts_with("::"))
	})
}

/// Lines written per source and interval by default, and the interval.
pub const DEFAULT_BURST: u32 = 10;
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

struct Window {
	started: Instant,
	written: u32,
	suppressed: u64,
}

/// A summary to write: `suppressed` lines of `source` were dropped in the `span` before.
#[derive(Debug, PartialEq, Eq)]
pub struct Summary {
	pub source: String,
	pub suppressed: u64,
	pub span: Duration,
}

impl Summary {
	pub fn line(&self) -> String {
		format!(
			"suppressed {} similar log line(s) from {} in the last {} s",
			self.suppressed,
			self.source,
			self.span.as_secs().max(1)
		)
	}
}

/// At most `burst` lines per source in each `interval`; counts the others.
pub struct Throttle {
	burst: u32,
	interval: Duration,
	/// Sources with a window open; bounded by the number of noisy targets.
	windows: Mutex<HashMap<String, Window>>,
	suppressed: AtomicU64,
}

impl Throttle {
	pub fn new(burst: u32, interval: Duration) -> Throttle {
		Throttle {
			burst: burst.max(1),
			interval: interval.max(Duration::from_millis(1)),
			windows: Mutex::new(HashMap::new()),
			suppressed: AtomicU64::new(0),
		}
	}

	/// A line of `source` at `now`: whether to write it, and the summary of the source's last
	/// interval to write before it, if that interval suppressed lines.
	pub fn admit(&self, source: &str, now: Instant) -> (bool, Option<Summary>) {
		let Ok(mut windows) = self.windows.lock() else { return (true, None) };
		let mut summary = None;
		let window = windows.entry(source.to_string()).or_insert(Window {
			started: now,
			written: 0,
			suppressed: 0,
		});
		if now.saturating_duration_since(window.started) >= self.interval {
			if window.suppressed > 0 {
				summary = Some(Summary {
					source: source.to_string(),
					suppressed: window.suppressed,
					span: now.saturating_duration_since(window.started),
				});
			}
			*window = Window { started: now, written: 0, suppressed: 0 };
		}
		if window.written < self.burst {
			window.written += 1;
			(true, summary)
		} else {
			window.suppressed += 1;
			self.suppressed.fetch_add(1, Ordering::Relaxed);
			(false, summary)
		}
	}

	/// The summaries of intervals that are over and suppressed lines (their windows close).
	pub fn due(&self, now: Instant) -> Vec<Summary> {
		let Ok(mut windows) = self.windows.lock() else { return Vec::new() };
		let mut due = Vec::new();
		windows.retain(|source, window| {
			let span = now.saturating_duration_since(window.started);
			if span < self.interval {
				return true;
			}
			if window.suppressed > 0 {
				due.push(Summary { source: source.clone(), suppressed: window.suppressed, span });
			}
			false
		});
		due.sort_by(|a, b| a.source.cmp(&b.source));
		due
	}

	/// Lines suppressed since start.
	pub fn suppressed(&self) -> u64 {
		self.suppressed.load(Ordering::Relaxed)
	}
}

static THROTTLE: OnceLock<Arc<Throttle>> = OnceLock::new();

/// The process's throttle (the logger's).
pub fn throttle() -> &'static Arc<Throttle> {
	THROTTLE.get_or_init(|| Arc::new(Throttle::new(DEFAULT_BURST, DEFAULT_INTERVAL)))
}

/// The logger: `inner` (env_logger, `RUST_LOG`), with noisy targets' lines throttled.
pub struct ThrottledLogger<L> {
	inner: L,
	throttle: Arc<Throttle>,
}

impl<L: log::Log> ThrottledLogger<L> {
	pub fn new(inner: L, throttle: Arc<Throttle>) -> ThrottledLogger<L> {
		ThrottledLogger { inner, throttle }
	}

	fn write_summary(&self, summary: &Summary) {
		self.inner.log(
			&log::Record::builder()
				.level(log::Level::Warn)
				.target("medchain_gateway::logs")
				.args(format_args!("{}", summary.line()))
				.build(),
		);
	}

	/// Write the summaries that are due.
	pub fn flush_due(&self, now: Instant) {
		for summary in self.throttle.due(now) {
			self.write_summary(&summary);
		}
	}
}

impl<L: log::Log> log::Log for ThrottledLogger<L> {
	fn enabled(&self, metadata: &log::Metadata) -> bool {
		self.inner.enabled(metadata)
	}

	fn log(&self, record: &log::Record) {
		if !self.inner.enabled(record.metadata()) {
			return;
		}
		if is_noisy(record.target()) {
			let (write, summary) = self.throttle.admit(record.target(), Instant::now());
			if let Some(summary) = summary {
				self.write_summary(&summary);
			}
			if !write {
				return;
			}
		}
		self.inner.log(record);
	}

	fn flush(&self) {
		self.inner.flush();
	}
}

static LOGGER: OnceLock<&'static ThrottledLogger<env_logger::Logger>> = OnceLock::new();

/// Install the logger: env_logger (`RUST_LOG`, `info` by default) behind the throttle.
pub fn init() {
	let inner =
		env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).build();
	let max = inner.filter();
	let logger: &'static ThrottledLogger<env_logger::Logger> =
		Box::leak(Box::new(ThrottledLogger::new(inner, throttle().clone())));
	if log::set_logger(logger).is_ok() {
		log::set_max_level(max);
		let _ = LOGGER.set(logger);
	}
}

/// Write the summaries of intervals that are over (`run` calls it every few seconds, so a
/// summary is written even when no further line comes).
pub fn flush_due() {
	if let Some(logger) = LOGGER.get() {
		logger.flush_due(Instant::now());
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use log::Log;

	/// A logger that keeps the lines.
	#[derive(Default)]
	struct Lines(Mutex<Vec<String>>);

	impl log::Log for Lines {
		fn enabled(&self, metadata: &log::Metadata) -> bool {
			metadata.level() <= log::Level::Info
		}
		fn log(&self, record: &log::Record) {
			self.0.lock().unwrap().push(format!("{} {}", record.target(), record.args()));
		}
		fn flush(&self) {}
	}

	fn line(logger: &impl Log, target: &str, level: log::Level, text: &str) {
		logger.log(
			&log::Record::builder()
				.level(level)
				.target(target)
				.args(format_args!("{text}"))
				.build(),
		);
	}

	#[test]
	fn noisy_targets_are_the_connection_code_and_the_crates_under_it() {
		assert!(is_noisy("rustls::common_state"));
		assert!(is_noisy("rustls"));
		assert!(is_noisy("medchain_gateway::tls"));
		assert!(is_noisy("medchain_gateway::server"));
		assert!(!is_noisy("rustlsfoo"));
		assert!(!is_noisy("medchain_gateway::worker"));
		assert!(!is_noisy("medchain_gateway::service::fetch"));
	}

	#[test]
	fn a_flood_writes_burst_lines_per_interval_then_one_summary() {
		let t = Throttle::new(3, Duration::from_secs(10));
		let start = Instant::now();
		let mut written = 0;
		for i in 0..1000u64 {
			let (write, summary) = t.admit("rustls", start + Duration::from_millis(i));
			assert_eq!(summary, None);
			written += u64::from(write);
		}
		assert_eq!(written, 3);
		assert_eq!(t.suppressed(), 997);
		// Nothing due before the interval is over.
		assert!(t.due(start + Duration::from_secs(9)).is_empty());
		// The next line after the interval brings the summary and is written.
		let (write, summary) = t.admit("rustls", start + Duration::from_secs(11));
		assert!(write);
		let summary = summary.expect("a summary");
		assert_eq!(summary.suppressed, 997);
		assert_eq!(summary.source, "rustls");
		assert!(summary.line().starts_with("suppressed 997 similar log line(s) from rustls"));
	}

	#[test]
	fn a_summary_comes_without_a_further_line_and_sources_are_apart() {
		let t = Throttle::new(2, Duration::from_secs(10));
		let start = Instant::now();
		for _ in 0..5 {
			t.admit("a", start);
		}
		for _ in 0..2 {
			t.admit("b", start);
		}
		// b is within its burst: no summary for it; a suppressed 3.
		let due = t.due(start + Duration::from_secs(10));
		assert_eq!(
			due,
			vec![Summary { source: "a".into(), suppressed: 3, span: Duration::from_secs(10) }]
		);
		// Windows are closed: a fresh burst for both, and nothing due twice.
		assert!(t.due(start + Duration::from_secs(30)).is_empty());
		assert_eq!(t.admit("a", start + Duration::from_secs(31)), (true, None));
	}

	#[test]
	fn the_logger_throttles_noisy_targets_only() {
		let throttle = Arc::new(Throttle::new(2, Duration::from_secs(3600)));
		let logger = ThrottledLogger::new(Lines::default(), throttle.clone());
		for i in 0..100 {
			line(
				&logger,
				"rustls::common_state",
				log::Level::Warn,
				&format!("TLS alert warning received {i}"),
			);
			line(
				&logger,
				"medchain_gateway::tls",
				log::Level::Info,
				&format!("handshake failed {i}"),
			);
		}
		// A disabled level is neither written nor counted.
		line(&logger, "medchain_gateway::tls", log::Level::Debug, "debug");
		for i in 0..5 {
			line(&logger, "medchain_gateway::worker", log::Level::Info, &format!("anchored {i}"));
		}
		let lines = logger.inner.0.lock().unwrap().clone();
		assert_eq!(lines.iter().filter(|l| l.starts_with("rustls::")).count(), 2, "{lines:?}");
		assert_eq!(lines.iter().filter(|l| l.starts_with("medchain_gateway::tls")).count(), 2);
		assert_eq!(lines.iter().filter(|l| l.starts_with("medchain_gateway::worker")).count(), 5);
		assert_eq!(throttle.suppressed(), 196);
		// The summaries, one per source, once the interval is over.
		logger.flush_due(Instant::now() + Duration::from_secs(3600));
		let lines = logger.inner.0.lock().unwrap().clone();
		let summaries: Vec<_> =
			lines.iter().filter(|l| l.starts_with("medchain_gateway::logs")).collect();
		assert_eq!(summaries.len(), 2, "{lines:?}");
		assert!(
			summaries[0].contains("suppressed 98 similar log line(s) from medchain_gateway::tls")
		);
		assert!(
			summaries[1].contains("suppressed 98 similar log line(s) from rustls::common_state")
		);
	}
}
