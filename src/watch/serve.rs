//! `quire serve`: the HTML edition on 127.0.0.1, rebuilt on every save (see [`super::watch`]),
//! with live reload. Pages are served from the last good build; into each HTML page served (never
//! into the files on disk) a bar is put with the build's number, links to its EPUB and PDFs, the
//! diagnostics of the last build when it had any, and a small script that waits for the next
//! build (a long poll on `/_quire/wait`) and reloads. Only files of the site and the outputs of the
//! last build are served; paths are decoded and confined to the site directory.

use super::{Options, Outcome, watch};
use crate::Target;
use crate::diag::Diagnostic;
use crate::epub::xml::escaped;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// What the server knows about the last build.
#[derive(Default, Clone)]
struct State {
    generation: u64,
    out_dir: Option<PathBuf>,
    /// The site's directory name (`<stem>-html`), once a build has written it.
    site: Option<String>,
    /// Outputs of the last good build (top-level names: the EPUB, PDFs, citation files).
    files: Vec<String>,
    /// The last build's diagnostics as printed, and why it wrote nothing (if it did not).
    diagnostics: String,
    failure: Option<&'static str>,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

/// Serves the book on `127.0.0.1:port` (0: any free port) until the process ends. `ready` is
/// called with the address once the first build is done.
pub fn serve(
    opts: &Options,
    port: u16,
    ready: impl FnOnce(std::net::SocketAddr),
    mut after: impl FnMut(&Outcome),
) -> Result<(), Diagnostic> {
    let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| {
        Diagnostic::error(format!("cannot listen on 127.0.0.1:{port}: {e}")).help("choose another port with --port N (0 picks a free one)")
    })?;
    let addr = server.server_addr().to_ip().ok_or_else(|| Diagnostic::error("the server has no IP address").help("use --port N"))?;
    let shared: Shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
    let server = Arc::new(server);
    {
        let (server, shared) = (server.clone(), shared.clone());
        std::thread::spawn(move || {
            for req in server.incoming_requests() {
                let shared = shared.clone();
                std::thread::spawn(move || respond(req, &shared));
            }
        });
    }
    let mut opts = opts.clone();
    opts.also.push(Target::Html);
    let mut ready = Some(ready);
    watch(&opts, |o| {
        {
            let (lock, cvar) = &*shared;
            let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
            s.generation += 1;
            s.diagnostics = o.diagnostics.iter().map(|d| d.to_string()).collect();
            s.failure = o.failure;
            if o.failure.is_none() {
                s.out_dir = o.out_dir.clone();
                s.site = o.files.iter().find_map(|f| f.split_once('/').map(|(d, _)| d.to_string()));
                let mut tops: Vec<String> = o.files.iter().filter(|f| !f.contains('/')).cloned().collect();
                tops.sort();
                s.files = tops;
            }
            cvar.notify_all();
        }
        after(o);
        if let Some(r) = ready.take() {
            r(addr);
        }
    })
}

/// A URL path, percent-decoded, as the segments of a relative file path; `None` when it could
/// leave the directory (`..`, hidden names, backslashes, NUL) or is not UTF-8.
fn safe_segments(path: &str) -> Option<Vec<String>> {
    let mut bytes = Vec::with_capacity(path.len());
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            bytes.push(b[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(bytes).ok()?;
    let segs: Vec<String> = decoded.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect();
    if segs.iter().any(|s| s.starts_with('.') || s.contains(['\\', '\0'])) {
        return None;
    }
    Some(segs)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "epub" => "application/epub+zip",
        "pdf" => "application/pdf",
        "json" => "application/json",
        _ => "text/plain; charset=utf-8",
    }
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

fn reply(req: tiny_http::Request, status: u16, kind: &str, body: Vec<u8>) {
    let r = tiny_http::Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    let _ = req.respond(r);
}

fn respond(req: tiny_http::Request, shared: &Shared) {
    if !matches!(req.method(), tiny_http::Method::Get | tiny_http::Method::Head) {
        return reply(req, 405, "text/plain; charset=utf-8", b"only GET and HEAD\n".to_vec());
    }
    let url = req.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let Some(segs) = safe_segments(path) else {
        return reply(req, 404, "text/plain; charset=utf-8", b"not found\n".to_vec());
    };
    if segs == ["_quire", "wait"] {
        // Long poll: answers with the build number once it passes `since` (or after 25 s).
        let since: u64 = query.strip_prefix("since=").and_then(|v| v.parse().ok()).unwrap_or(0);
        let (lock, cvar) = &**shared;
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let (guard, _) =
            cvar.wait_timeout_while(guard, Duration::from_secs(25), |s| s.generation <= since).unwrap_or_else(|e| e.into_inner());
        let generation = guard.generation;
        drop(guard);
        return reply(req, 200, "text/plain; charset=utf-8", generation.to_string().into_bytes());
    }
    let state = shared.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let Some(out_dir) = &state.out_dir else {
        // No good build yet: a page with the diagnostics.
        let page = status_page(&state);
        return reply(req, 200, "text/html; charset=utf-8", page.into_bytes());
    };
    let file = match segs.as_slice() {
        [a, b, name] if a == "_quire" && b == "files" && state.files.contains(name) => out_dir.join(name),
        _ => {
            let Some(site) = &state.site else {
                return reply(req, 404, "text/plain; charset=utf-8", b"no HTML edition was built\n".to_vec());
            };
            let mut p = out_dir.join(site);
            segs.iter().for_each(|s| p.push(s));
            if segs.is_empty() || p.is_dir() {
                p.push("index.html");
            }
            p
        }
    };
    // Only regular files (never a symbolic link out of the site).
    let bytes = match std::fs::symlink_metadata(&file) {
        Ok(m) if m.is_file() => std::fs::read(&file).ok(),
        _ => None,
    };
    let Some(bytes) = bytes else {
        return reply(req, 404, "text/plain; charset=utf-8", b"not found\n".to_vec());
    };
    let kind = content_type(&file);
    if kind.starts_with("text/html") {
        let page = live_page(&String::from_utf8_lossy(&bytes), &state);
        return reply(req, 200, kind, page.into_bytes());
    }
    reply(req, 200, kind, bytes);
}

/// The bar put into served pages: build number, outputs, diagnostics, and the reload script.
fn live_bar(state: &State) -> String {
    let mut bar = String::from(
        "<aside class=\"quire-live\" aria-label=\"quire serve\" style=\"font: 0.8rem/1.4 sans-serif; padding: 0.5em 0.75em; margin: 0 -1.25em 1em; background: #ececec; color: #222; border-bottom: 1px solid #bbb;\">",
    );
    bar.push_str(&format!("quire serve · build {}", state.generation));
    for f in state.files.iter().filter(|f| f.ends_with(".epub") || f.ends_with(".pdf")) {
        bar.push_str(&format!(" · <a style=\"color: #0645ad\" href=\"/_quire/files/{0}\">{0}</a>", escaped(f)));
    }
    if let Some(why) = state.failure {
        bar.push_str(&format!("<br><strong style=\"color: #8b0000\">{}; the last good build is shown.</strong>", escaped(why)));
    }
    if !state.diagnostics.is_empty() {
        bar.push_str(&format!(
            "<pre style=\"white-space: pre-wrap; overflow-wrap: anywhere; max-height: 40vh; overflow: auto; margin: 0.5em 0 0;\">{}</pre>",
            escaped(&state.diagnostics)
        ));
    }
    bar.push_str("</aside>\n");
    bar.push_str(&format!(
        "<script>(function(){{var g={};function w(){{fetch('/_quire/wait?since='+g).then(function(r){{return r.text()}}).then(function(t){{if(+t>g){{location.reload()}}else{{w()}}}}).catch(function(){{setTimeout(w,1000)}})}}w()}})();</script>\n",
        state.generation
    ));
    bar
}

/// A served page: the file's HTML with the bar right after `<body>`.
fn live_page(html: &str, state: &State) -> String {
    match html.find("<body>") {
        Some(i) => {
            let at = i + "<body>".len();
            format!("{}{}{}", &html[..at], live_bar(state), &html[at..])
        }
        None => html.to_string(),
    }
}

/// The page shown before any build succeeded.
fn status_page(state: &State) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>quire serve</title>\n</head>\n<body>\n{}<main><h1>No build yet</h1><p>The book has not built yet; fix the problems above and save.</p></main>\n</body>\n</html>\n",
        live_bar(state)
    )
}

/// The default port of `quire serve`.
pub const DEFAULT_PORT: u16 = 3000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_and_confined() {
        assert_eq!(safe_segments("/text/a%20b.html"), Some(vec!["text".into(), "a b.html".into()]));
        assert_eq!(safe_segments("/"), Some(vec![]));
        for bad in ["/../etc/passwd", "/%2e%2e/x", "/text/..%2f..%2fx", "/.git/config", "/a%5cb", "/a%00", "/%zz", "/%ff"] {
            assert_eq!(safe_segments(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_bar_escapes_diagnostics() {
        let s = State { diagnostics: "<script>alert(1)</script>".into(), generation: 3, ..Default::default() };
        let page = live_page("<html><body><p>x</p></body></html>", &s);
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>alert"));
        assert!(page.contains("var g=3;"));
    }
}
