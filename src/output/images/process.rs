//! One photo in, the copies a page needs out: EXIF rotation applied, resized to
//! the configured widths (never enlarged), re-encoded without any metadata (no
//! GPS position, camera serial or owner), within a memory limit.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageError, ImageFormat, ImageReader, Limits};

use crate::config::ImageSettings;

/// Bump when the output of [`process`] changes, so cached copies are remade.
pub const ENCODER_VERSION: u32 = 1;

/// Photos with more pixels than this are refused rather than decoded: 64
/// million pixels (a 12,000 × 5,300 panorama) take 192 MB in memory.
pub const MAX_PIXELS: u64 = 64_000_000;

/// What the decoder may allocate for one photo.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// One file made from a photo.
#[derive(Debug, Clone)]
pub struct Made {
    /// Appended to the source name without its extension (`-480w.jpg`); empty
    /// for the copy published under the source's own name.
    pub suffix: String,
    pub width: u32,
    pub height: u32,
    /// Listed in `srcset`.
    pub in_srcset: bool,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Processed {
    pub files: Vec<Made>,
    /// Something the user should know although the photo was published.
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// A CMYK (print) JPEG, converted to RGB.
    Cmyk,
}

/// Why a photo could not be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// An iPhone photo in HEIC/HEIF format (whatever its name says).
    Heic,
    Avif,
    /// Not an image at all (a document or web page saved with a photo's name).
    NotImage,
    /// An image format browsers or this build do not handle (BMP, TIFF…).
    Unsupported(&'static str),
    /// The file stops before the end of the picture.
    Truncated,
    TooLarge {
        width: u32,
        height: u32,
    },
    /// The decoder gave up; its reason, for the curious.
    Damaged(String),
}

/// What a source file is, by its first bytes; the name may lie.
fn sniff(bytes: &[u8]) -> Result<ImageFormat, Failure> {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"avif" | b"avis" => Err(Failure::Avif),
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => Err(Failure::Heic),
            _ => Err(Failure::NotImage),
        };
    }
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => Ok(f),
        Ok(ImageFormat::Bmp) => Err(Failure::Unsupported("BMP")),
        Ok(ImageFormat::Tiff) => Err(Failure::Unsupported("TIFF")),
        Ok(ImageFormat::Gif) => Err(Failure::Unsupported("GIF")),
        Ok(ImageFormat::Ico) => Err(Failure::Unsupported("ICO")),
        Ok(_) => Err(Failure::Unsupported("这种")),
        Err(_) => Err(Failure::NotImage),
    }
}

/// Whether a file is a photo the build can publish, and its size in pixels,
/// without decoding it: the desk checks an upload with the build's rules.
pub fn inspect(bytes: &[u8]) -> Result<(u32, u32), Failure> {
    let format = sniff(bytes)?;
    if format == ImageFormat::Jpeg && jpeg_truncated(bytes) {
        return Err(Failure::Truncated);
    }
    let reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let (width, height) = reader.into_dimensions().map_err(decode_error)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Failure::TooLarge { width, height });
    }
    Ok((width, height))
}

/// A JPEG whose last scan has no end marker was cut off (an interrupted copy
/// or upload); the decoder would fill the rest with grey without a word.
fn jpeg_truncated(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    match last_scan {
        Some(at) => !bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9]),
        None => true,
    }
}

/// The number of colour components of a JPEG (4 for CMYK), from its frame header.
fn jpeg_components(bytes: &[u8]) -> Option<u8> {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            return bytes.get(at + 9).copied();
        }
        if marker == 0xDA {
            return None;
        }
        at += 2 + len;
    }
    None
}

fn decode_error(e: ImageError) -> Failure {
    match e {
        ImageError::Limits(_) => Failure::TooLarge { width: 0, height: 0 },
        ImageError::Unsupported(u) => Failure::Damaged(u.to_string()),
        ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Failure::Truncated,
        other => {
            let text = other.to_string();
            if text.contains("EOF") || text.contains("eof") || text.contains("end of") {
                Failure::Truncated
            } else {
                Failure::Damaged(text)
            }
        }
    }
}

/// The widths to make for a photo `width` pixels wide: every configured width
/// below it, and the largest width it can fill, so nothing is enlarged.
pub fn widths_for(width: u32, settings: &ImageSettings) -> Vec<u32> {
    let max = settings.widths.last().copied().unwrap_or(width);
    let top = width.min(max);
    let mut out: Vec<u32> = settings.widths.iter().copied().filter(|&w| w < top).collect();
    out.push(top);
    out
}

/// Makes every copy of the photo in `bytes`; `ext` is the lower-case extension
/// of its name, which decides the format of the copy published under that name.
pub fn process(bytes: &[u8], ext: &str, settings: &ImageSettings) -> Result<Processed, Failure> {
    match ext {
        "heic" | "heif" => return Err(Failure::Heic),
        "avif" => return Err(Failure::Avif),
        _ => {}
    }
    let format = sniff(bytes)?;
    if format == ImageFormat::Jpeg && jpeg_truncated(bytes) {
        return Err(Failure::Truncated);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(Failure::TooLarge { width: w, height: h });
    }
    let mut notes = Vec::new();
    if format == ImageFormat::Jpeg && jpeg_components(bytes) == Some(4) {
        notes.push(Note::Cmyk);
    }
    // A missing or unreadable orientation means the photo is upright.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match decode_error(e) {
        Failure::TooLarge { .. } => Failure::TooLarge { width: w, height: h },
        other => other,
    })?;
    img.apply_orientation(orientation);

    let lossy = format == ImageFormat::Jpeg;
    let img = if lossy || !img.color().has_alpha() {
        DynamicImage::ImageRgb8(img.into_rgb8())
    } else {
        DynamicImage::ImageRgba8(img.into_rgba8())
    };
    let widths = widths_for(img.width(), settings);
    // Largest first, each made from the one before: far less work than
    // resizing the full photo every time, and as sharp.
    let top_width = widths.last().copied().unwrap_or(img.width());
    let top = if top_width == img.width() {
        img
    } else {
        let height = scaled_height(img.width(), img.height(), top_width);
        img.resize_exact(top_width, height, FilterType::CatmullRom)
    };
    let mut sized: Vec<DynamicImage> = vec![top];
    for &width in widths.iter().rev().skip(1) {
        let Some(from) = sized.last() else { break };
        let height = scaled_height(from.width(), from.height(), width);
        let next = from.resize_exact(width, height, FilterType::CatmullRom);
        sized.push(next);
    }
    sized.reverse();

    let own = own_format(ext, format);
    let mut files = Vec::new();
    if lossy {
        for (i, image) in sized.iter().enumerate() {
            let top = i + 1 == sized.len();
            files.push(Made {
                suffix: if top {
                    String::new()
                } else {
                    format!("-{}w.jpg", image.width())
                },
                width: image.width(),
                height: image.height(),
                in_srcset: true,
                bytes: encode(image, Encoding::Jpeg(settings.quality))?,
            });
        }
    } else {
        // Lossless: PNG or WebP, whichever is smaller for this photo.
        let Some(top) = sized.last() else {
            return Err(Failure::Damaged(String::new()));
        };
        let png = encode(top, Encoding::Png)?;
        let webp = encode(top, Encoding::WebP)?;
        let (chosen, chosen_bytes) = if webp.len() < png.len() {
            (Encoding::WebP, &webp)
        } else {
            (Encoding::Png, &png)
        };
        let own_bytes = if own == Encoding::WebP { &webp } else { &png };
        files.push(Made {
            suffix: String::new(),
            width: top.width(),
            height: top.height(),
            in_srcset: own == chosen,
            bytes: own_bytes.clone(),
        });
        if own != chosen {
            files.push(Made {
                suffix: format!("-{}w.{}", top.width(), chosen.extension()),
                width: top.width(),
                height: top.height(),
                in_srcset: true,
                bytes: chosen_bytes.clone(),
            });
        }
        for image in &sized[..sized.len() - 1] {
            files.push(Made {
                suffix: format!("-{}w.{}", image.width(), chosen.extension()),
                width: image.width(),
                height: image.height(),
                in_srcset: true,
                bytes: encode(image, chosen)?,
            });
        }
    }
    files.sort_by_key(|f| (f.width, f.suffix.is_empty()));
    Ok(Processed { files, notes })
}

fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    ((u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width).max(1)).max(1) as u32
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Jpeg(u8),
    Png,
    WebP,
}

impl Encoding {
    fn extension(self) -> &'static str {
        match self {
            Encoding::Jpeg(_) => "jpg",
            Encoding::Png => "png",
            Encoding::WebP => "webp",
        }
    }
}

/// The format of the copy published under the source's own name: what its
/// extension promises, else what the file is.
fn own_format(ext: &str, format: ImageFormat) -> Encoding {
    match (ext, format) {
        ("webp", _) => Encoding::WebP,
        ("png", _) => Encoding::Png,
        (_, ImageFormat::WebP) => Encoding::WebP,
        _ => Encoding::Png,
    }
}

/// Encodes without any metadata: the encoders write none unless given it.
fn encode(image: &DynamicImage, encoding: Encoding) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    let (w, h, color) = (image.width(), image.height(), image.color());
    let result = match encoding {
        Encoding::Jpeg(quality) => {
            JpegEncoder::new_with_quality(&mut out, quality).write_image(image.as_bytes(), w, h, color.into())
        }
        Encoding::Png => PngEncoder::new_with_quality(&mut out, CompressionType::Default, PngFilter::Adaptive)
            .write_image(image.as_bytes(), w, h, color.into()),
        Encoding::WebP => WebPEncoder::new_lossless(&mut out).write_image(image.as_bytes(), w, h, color.into()),
    };
    result.map_err(|e| Failure::Damaged(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(widths: &[u32]) -> ImageSettings {
        ImageSettings {
            widths: widths.to_vec(),
            quality: 80,
        }
    }

    #[test]
    fn widths_never_enlarge() {
        let s = settings(&[480, 960, 1600]);
        assert_eq!(widths_for(2400, &s), [480, 960, 1600]);
        assert_eq!(widths_for(1200, &s), [480, 960, 1200]);
        assert_eq!(widths_for(300, &s), [300]);
        assert_eq!(widths_for(960, &s), [480, 960]);
    }

    #[test]
    fn sniffing_names_heic_and_non_images() {
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic");
        heic.extend_from_slice(&[0; 16]);
        assert_eq!(process(&heic, "jpg", &settings(&[480])).unwrap_err(), Failure::Heic);
        assert_eq!(
            process(b"<html></html>", "jpg", &settings(&[480])).unwrap_err(),
            Failure::NotImage
        );
        assert_eq!(
            process(b"BM\0\0\0\0", "jpg", &settings(&[480])).unwrap_err(),
            Failure::Unsupported("BMP")
        );
    }

    #[test]
    fn a_png_graphic_gets_the_smaller_lossless_format() {
        let img = image::RgbImage::from_fn(800, 400, |x, _| {
            if x < 400 {
                image::Rgb([200, 30, 30])
            } else {
                image::Rgb([255, 255, 255])
            }
        });
        let mut png = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let out = process(&png, "png", &settings(&[480, 960])).unwrap();
        let own = out.files.iter().find(|f| f.suffix.is_empty()).unwrap();
        assert_eq!((own.width, own.height), (800, 400));
        assert_eq!(image::guess_format(&own.bytes).unwrap(), ImageFormat::Png);
        let small = out.files.iter().find(|f| f.width == 480).unwrap();
        assert_eq!(small.height, 240);
        assert!(out.files.iter().filter(|f| f.in_srcset).count() == 2);
    }
}
