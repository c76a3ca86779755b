//! What the user reads when a photo cannot be published: what is wrong with the
//! file, and how to fix it with the tools a publicity office has.

use super::process::{Failure, MAX_PIXELS};

/// (what is wrong, how to fix it) for the photo `name`.
pub fn failure(name: &str, failure: &Failure) -> (String, String) {
    match failure {
        Failure::Heic => (
            format!("照片“{name}”是苹果手机的 HEIC 格式，浏览器大多不能显示"),
            "请转成 JPG 再放进来：在 iPhone 上用“照片”App 把它发给电脑（或用“存储到文件”时选“最兼容”），\
             或在电脑上用“照片”“画图”等软件打开后另存为 JPG；以后可在 iPhone“设置 → 相机 → 格式”中选“兼容性最佳”，拍出的就是 JPG"
                .into(),
        ),
        Failure::Avif => (
            format!("照片“{name}”是 AVIF 格式，同心不处理这种格式"),
            "请用图片软件打开后另存为 JPG（照片）或 PNG（图表、截图）".into(),
        ),
        Failure::NotImage => (
            format!("“{name}”不是图片文件，只是名字像图片"),
            "它可能是网页、文档或没有下载完的文件：请重新从手机或相机导出这张照片，或者用图片软件打开确认后另存为 JPG".into(),
        ),
        Failure::Unsupported(kind) => (
            format!("图片“{name}”是 {kind} 格式，网站不用这种格式"),
            "请用图片软件（如“画图”）打开后另存为 JPG（照片）或 PNG（图表、截图），并改用新文件名".into(),
        ),
        Failure::Truncated => (
            format!("照片“{name}”的文件不完整，后半部分缺失"),
            "可能是拷贝或上传时中断了：请从手机或相机里重新导出这张照片，替换现在的文件".into(),
        ),
        Failure::TooLarge { width, height } => {
            let size = if *width > 0 {
                format!("（{width} × {height} 像素）")
            } else {
                String::new()
            };
            (
                format!("照片“{name}”太大{size}，为避免占满内存没有处理"),
                format!(
                    "网页上用不到这么大的照片：请用图片软件把它缩小到宽 4000 像素以内再放进来（同心最多处理 {} 万像素）",
                    MAX_PIXELS / 10_000
                ),
            )
        }
        Failure::Damaged(reason) => (
            format!("照片“{name}”已损坏，读不出来"),
            format!("请用图片软件打开看看；如果打不开，从手机或相机里重新导出这张照片。（详细原因：{reason}）"),
        ),
    }
}

pub fn cmyk(name: &str) -> (String, String) {
    (
        format!("照片“{name}”是印刷用的 CMYK 颜色，已自动转成网页用的 RGB 颜色"),
        "转换后颜色可能略有偏差；最好请设计人员另存为 RGB 颜色的 JPG 后替换".into(),
    )
}
