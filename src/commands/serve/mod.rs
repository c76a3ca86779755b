//! `tongxin serve`: build the site, serve it on this computer, and rebuild and
//! reload the open pages whenever a source file is saved.
//!
//! Three parts: a [`session::Session`] keeps the site up to date with the
//! engine ([`crate::engine`]), which redoes only what an edit changed; a [`watch::SourceWatcher`] says which sources
//! changed; [`http`] serves the output folder and tells pages to reload or to
//! show an error. The rebuilds run on one thread of their own, one at a time.

pub mod http;
pub mod search;
pub mod session;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::{oneshot, watch as channel};

use crate::desk;
use crate::diagnostics::{Diagnostic, display_path};
use http::{ErrorItem, Shared, Status};
use session::{Outcome, Report, Session, SessionOptions, Touched};
use watch::{Next, SourceWatcher};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub bind: IpAddr,
    pub drafts: bool,
    /// Fixed "now" for tests; the clock otherwise.
    pub now: Option<Timestamp>,
    /// Where the site is written; a fresh temporary folder by default.
    pub output: Option<PathBuf>,
}

impl ServeOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ServeOptions {
            root: root.into(),
            port: 1111,
            bind: IpAddr::from([127, 0, 0, 1]),
            drafts: false,
            now: None,
            output: None,
        }
    }
}

/// How long edits must pause before the search index is brought up to date.
const SEARCH_AFTER: Duration = Duration::from_millis(800);

/// A running preview server.
pub struct Server {
    pub addr: SocketAddr,
    /// The folder being served.
    pub output: PathBuf,
    status: channel::Receiver<Status>,
    stop: Arc<AtomicBool>,
    shutdown: Option<oneshot::Sender<()>>,
    builder: Option<JoinHandle<()>>,
    http: Option<JoinHandle<()>>,
    /// Remove the output folder when stopping (it is our temporary folder).
    owns_output: bool,
}

/// Builds the site and starts serving it. `print` receives every line meant
/// for the terminal. Fails (with a message for the user) when the address
/// cannot be used or the preview folder cannot be made.
pub fn start(options: ServeOptions, print: fn(&str)) -> Result<Server, Diagnostic> {
    if !options.root.is_dir() {
        return Err(Diagnostic::error(display_path(&options.root), "找不到这个网站文件夹")
            .hint("在网站文件夹（含 site.yaml）里运行 tongxin serve，或用 --root 指定它"));
    }
    let listener = TcpListener::bind((options.bind, options.port)).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "可能已经有一个预览服务器在运行；换一个端口，例如 tongxin serve --port {}",
                options.port.saturating_add(1)
            )
        } else {
            "检查 --bind 写的地址是否是这台电脑的地址，例如 127.0.0.1".to_string()
        };
        Diagnostic::error(
            format!("{}:{}", options.bind, options.port),
            format!(
                "无法在这个地址上启动预览服务器（{}）",
                crate::diagnostics::io_reason(&e)
            ),
        )
        .hint(hint)
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error("serve", format!("无法读取服务器地址（{e}）")))?;
    let owns_output = options.output.is_none();
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("tongxin-serve-{}-{}", std::process::id(), addr.port())));
    let _ = std::fs::remove_dir_all(&output);
    std::fs::create_dir_all(&output).map_err(|e| {
        Diagnostic::error(
            display_path(&output),
            format!("无法创建预览文件夹（{}）", crate::diagnostics::io_reason(&e)),
        )
        .hint("检查临时文件夹的磁盘空间和写入权限")
    })?;
    let host = if options.bind.is_unspecified() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        options.bind
    };
    let base_url = match host {
        IpAddr::V6(v6) => format!("http://[{v6}]:{}/", addr.port()),
        IpAddr::V4(v4) => format!("http://{v4}:{}/", addr.port()),
    };
    let mut session = Session::new(SessionOptions {
        root: options.root.clone(),
        output: output.clone(),
        base_url: base_url.clone(),
        drafts: options.drafts,
        now: options.now,
    });

    // Watch before the first build, so that a save during it is not missed.
    let watcher = SourceWatcher::new(&options.root).map_err(|e| {
        Diagnostic::error(display_path(&options.root), format!("无法监视网站文件夹的改动（{e}）"))
            .hint("确认 --root 指向网站文件夹；在 Linux 上文件很多时，可能需要调大 fs.inotify.max_user_watches")
    })?;
    // The folder by its full name: “.” says nothing to someone who started
    // the server by double-clicking a shortcut.
    let shown_root = std::path::absolute(&options.root).unwrap_or_else(|_| options.root.clone());
    print(&format!("正在生成网站：{}", display_path(&shown_root)));
    let (status_tx, status_rx) = channel::channel(Status::default());
    let outcome = session.rebuild(Touched::everything());
    report(&outcome, print, &status_tx);
    // The index is made in the background: the site can be opened at once.
    if session.search_stale() {
        session.start_search();
    }

    // The desk asks the engine for previews on the rebuild thread.
    let (desk_tx, desk_rx) = std::sync::mpsc::channel::<desk::Request>();
    let stop = Arc::new(AtomicBool::new(false));
    let builder = {
        let stop = stop.clone();
        std::thread::Builder::new()
            .name("tongxin-rebuild".into())
            .spawn(move || rebuild_loop(session, watcher, status_tx, &desk_rx, &stop, print))
            .map_err(|e| Diagnostic::error("serve", format!("无法启动重新生成的线程（{e}）")))?
    };

    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let shared = Shared {
        root: Arc::new(output.clone()),
        status: status_rx.clone(),
    };
    let desk_routes = if desk::guard::desk_allowed(options.bind) {
        desk::router(desk::Desk::new(
            shown_root.clone(),
            desk::guard::Guard::new(addr.port()),
            status_rx.clone(),
            desk_tx,
            options.now,
        ))
    } else {
        desk::disabled()
    };
    listener
        .set_nonblocking(true)
        .map_err(|e| Diagnostic::error("serve", format!("无法设置服务器连接（{e}）")))?;
    let http = std::thread::Builder::new()
        .name("tongxin-http".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    print(&format!("无法启动预览服务器（{e}）"));
                    return;
                }
            };
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    print("无法启动预览服务器：端口不可用");
                    return;
                };
                let served =
                    axum::serve(listener, http::router(shared).merge(desk_routes)).with_graceful_shutdown(async move {
                        let _ = shutdown_rx.await;
                    });
                if let Err(e) = served.await {
                    print(&format!("预览服务器出错停止了（{e}）"));
                }
            });
        })
        .map_err(|e| Diagnostic::error("serve", format!("无法启动预览服务器的线程（{e}）")))?;

    Ok(Server {
        addr,
        output,
        status: status_rx,
        stop,
        shutdown: Some(shutdown_tx),
        builder: Some(builder),
        http: Some(http),
        owns_output,
    })
}

impl Server {
    /// The address to open in a browser.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// Stops serving and watching, and removes the temporary folder.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.http.take() {
            let _ = h.join();
        }
        if let Some(h) = self.builder.take() {
            let _ = h.join();
        }
        if self.owns_output {
            let _ = std::fs::remove_dir_all(&self.output);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}

fn rebuild_loop(
    mut session: Session,
    mut watcher: SourceWatcher,
    status: channel::Sender<Status>,
    desk: &std::sync::mpsc::Receiver<desk::Request>,
    stop: &AtomicBool,
    print: fn(&str),
) {
    // Short waits, so that a stop request is seen quickly and the desk's
    // preview follows typing.
    let tick = Duration::from_millis(40);
    let mut quiet_for = Duration::ZERO;
    // A post dated later appears, a 专题 opens or closes, while the preview
    // keeps running (overnight, say): at that moment the whole site is
    // modelled again, as `build` would on that day. Looked up after each
    // update, not on every tick: it reads every source's date.
    let mut due = session.next_due();
    while !stop.load(Ordering::SeqCst) {
        while let Ok(request) = desk.try_recv() {
            match request {
                desk::Request::Changed { files, rescan } => {
                    quiet_for = Duration::ZERO;
                    status.send_modify(|s| s.building = true);
                    let outcome = session.rebuild(session::Touched {
                        content: true,
                        files,
                        rescan,
                        ..session::Touched::default()
                    });
                    report(&outcome, print, &status);
                    due = session.next_due();
                }
                other => session.answer(other),
            }
        }
        if due.is_some_and(|d| session.has_come(d)) {
            quiet_for = Duration::ZERO;
            status.send_modify(|s| s.building = true);
            let outcome = session.rebuild(session::Touched::everything());
            report(&outcome, print, &status);
            due = session.next_due();
        }
        if session.search_finished().is_some() && !session.search_stale() {
            status.send_modify(|s| s.search_pending = false);
        }
        match watcher.next(tick) {
            Next::Stopped => break,
            Next::Quiet => {
                quiet_for += tick;
                // The index is made on its own thread from a snapshot of the
                // site; the next edit cancels it (see `search`), so it never
                // holds up a page.
                if quiet_for >= SEARCH_AFTER && session.search_stale() && !session.search_running() {
                    session.start_search();
                }
            }
            Next::Changed(touched) => {
                quiet_for = Duration::ZERO;
                status.send_modify(|s| s.building = true);
                let outcome = session.rebuild(touched);
                report(&outcome, print, &status);
                due = session.next_due();
            }
        }
    }
}

/// Prints the outcome of a rebuild and tells the open pages.
fn report(outcome: &Outcome, print: fn(&str), status: &channel::Sender<Status>) {
    match outcome {
        Outcome::Built(Report {
            changed,
            pages,
            warnings,
            elapsed,
            quick,
            stages,
            ..
        }) => {
            for w in warnings {
                print(&format!("{w}\n"));
            }
            if std::env::var_os("TONGXIN_TIMINGS").is_some() {
                for (stage, time) in stages {
                    print(&format!("  {stage}：{:.1} 毫秒", time.as_secs_f64() * 1000.0));
                }
            }
            let ms = elapsed.as_secs_f64() * 1000.0;
            if changed.is_empty() {
                print(&format!("已检查改动，网站没有变化（{ms:.0} 毫秒）"));
            } else {
                let how = if *quick {
                    "，只重新生成了改动的文章"
                } else {
                    ""
                };
                print(&format!(
                    "已更新：重新生成 {pages} 个页面，改动 {} 个文件，用时 {ms:.0} 毫秒{how}",
                    changed.len()
                ));
            }
            let changed = !changed.is_empty();
            status.send_modify(|s| {
                if changed || !s.errors.is_empty() {
                    s.generation += 1;
                }
                s.errors.clear();
                s.building = false;
                s.builds += 1;
                s.search_pending = s.search_pending || changed;
            });
        }
        Outcome::Failed { diagnostics } => {
            for d in diagnostics {
                print(&format!("{d}\n"));
            }
            let errors: Vec<ErrorItem> = diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| ErrorItem {
                    file: display_path(&d.file),
                    line: d.line,
                    message: d.message.clone(),
                    hint: d.hint.clone(),
                    text: d.to_string(),
                })
                .collect();
            print(&format!(
                "生成出错：发现 {} 个错误。浏览器里仍是上一次成功生成的网站；按提示改好并保存后会自动更新。",
                errors.len()
            ));
            status.send_modify(|s| {
                s.errors = errors;
                s.building = false;
                s.builds += 1;
            });
        }
    }
}

/// Opens `url` in the default browser; a failure is only a message (in
/// Chinese, naming the program that was tried).
pub fn open_browser(url: &str) -> Result<(), String> {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "windows") {
        ("cmd", vec!["/C", "start", "", url])
    } else if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else {
        ("xdg-open", vec![url])
    };
    std::process::Command::new(program)
        .args(args)
        .spawn()
        .map(|_| ())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("这台电脑上没有用来打开浏览器的程序 {program}"),
            _ => format!("{program}：{}", crate::diagnostics::io_reason(&e)),
        })
}
