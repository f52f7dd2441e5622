//! Time spent per stage, for `quire bench`: a sum over the process (what the benchmark
//! reports) and one per thread (so a stage can subtract the time its own inner stages took on
//! its thread, even while other profiles are laid out in parallel). Cheap enough to stay on in
//! normal builds (a few clock reads per paragraph).

use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Parse,
    Epub,
    /// Building a paragraph's boxes: shaping and hyphenation.
    Shaping,
    LineBreaking,
    /// Setting broken lines into positioned glyphs.
    Setting,
    /// Everything else in layout: pagination, contents, furniture.
    Layout,
    Pdf,
    Citations,
    Html,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Parse,
        Stage::Epub,
        Stage::Shaping,
        Stage::LineBreaking,
        Stage::Setting,
        Stage::Layout,
        Stage::Pdf,
        Stage::Citations,
        Stage::Html,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Stage::Parse => "parse",
            Stage::Epub => "epub",
            Stage::Shaping => "shaping",
            Stage::LineBreaking => "line breaking",
            Stage::Setting => "line setting",
            Stage::Layout => "pagination",
            Stage::Pdf => "pdf writing",
            Stage::Citations => "citations",
            Stage::Html => "html",
        }
    }
}

static TIMES: Mutex<[Duration; 9]> = Mutex::new([Duration::ZERO; 9]);

thread_local! {
    static THREAD: std::cell::Cell<[Duration; 9]> = const { std::cell::Cell::new([Duration::ZERO; 9]) };
}

pub fn add(stage: Stage, d: Duration) {
    if let Ok(mut t) = TIMES.lock() {
        t[stage as usize] += d;
    }
    THREAD.with(|c| {
        let mut t = c.get();
        t[stage as usize] += d;
        c.set(t);
    });
}

/// This thread's totals so far.
pub fn this_thread() -> [Duration; 9] {
    THREAD.with(|c| c.get())
}

/// Times the closure under `stage`.
pub fn time<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    let t = std::time::Instant::now();
    let r = f();
    add(stage, t.elapsed());
    r
}

pub fn take() -> [Duration; 9] {
    TIMES.lock().map(|mut t| std::mem::take(&mut *t)).unwrap_or_default()
}

/// Peak resident set size of this process in bytes (Linux), if known.
pub fn peak_rss() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
