//! `tongxin` started without a command. From a terminal that is a mistake and
//! gets the help; on Windows, a double-click on `tongxin.exe` in Explorer is
//! the same thing without a terminal, and a console that flashed the help and
//! closed would tell the user nothing. So a double-click in a site folder opens
//! the preview in the browser, and anywhere else explains what to do and waits
//! for Enter before its window closes.

use std::path::Path;

/// What to do when no command was given.
#[derive(Debug, PartialEq, Eq)]
pub enum Launch {
    /// Serve the site in this folder and open it in the browser.
    Preview,
    /// Explain how to start, then wait for Enter.
    Explain,
    /// Print the help, as a terminal user expects.
    Help,
}

/// Decides what a start without a command does, in `folder` (the current
/// folder, which Explorer sets to the program's own).
pub fn without_command(double_clicked: bool, folder: &Path) -> Launch {
    if !double_clicked {
        Launch::Help
    } else if folder.join(crate::config::FILE_NAME).is_file() {
        Launch::Preview
    } else {
        Launch::Explain
    }
}

/// What a double-click outside a site folder shows.
pub fn explanation(folder: &Path) -> String {
    format!(
        "同心是在命令窗口里使用的程序，这个文件夹（{}）里没有网站（没有 site.yaml）。\n\n\
         新建网站：在这个文件夹的地址栏输入 cmd 并按回车，在打开的命令窗口里输入\n\
         \n    tongxin init 我的网站\n\n\
         以后把 tongxin.exe 复制到网站文件夹（有 site.yaml 的文件夹）里，双击它就会打开网站的预览。\n\
         详细说明见压缩包里的“快速上手.txt”。\n\n按回车键关闭这个窗口。",
        crate::diagnostics::display_path(folder)
    )
}

/// Whether this process was started by a double-click: on Windows, it is then
/// the only process attached to its console (a terminal would be attached
/// too). Never elsewhere.
pub fn started_by_double_click() -> bool {
    #[cfg(windows)]
    {
        #[link(name = "kernel32")]
        unsafe extern "system" {
            fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
        }
        let mut list = [0u32; 2];
        // SAFETY: the list is valid for `count` elements; the call writes at
        // most that many and returns how many processes share the console.
        let attached = unsafe { GetConsoleProcessList(list.as_mut_ptr(), list.len() as u32) };
        attached == 1
    }
    #[cfg(not(windows))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_double_click_in_a_site_folder_opens_the_preview() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(without_command(true, dir.path()), Launch::Explain);
        assert_eq!(without_command(false, dir.path()), Launch::Help);
        std::fs::write(dir.path().join("site.yaml"), "title: 示例\n").unwrap();
        assert_eq!(without_command(true, dir.path()), Launch::Preview);
        // From a terminal, no command is still a mistake worth the help.
        assert_eq!(without_command(false, dir.path()), Launch::Help);
    }

    #[test]
    fn the_explanation_names_the_folder_and_the_first_command() {
        let text = explanation(Path::new("D:/下载/tongxin"));
        assert!(text.contains("D:/下载/tongxin") || text.contains("D:\\下载\\tongxin"));
        assert!(text.contains("tongxin init 我的网站"));
        assert!(text.contains("按回车键"));
    }
}
