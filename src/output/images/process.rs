//! One photo in, the copies a page needs out: EXIF rotation applied, resized to
//! the configured widths (never enlarged), re-encoded without any metadata (no
//! GPS position, camera serial or owner), within a memory limit.

use crate::config::ImageSettings;

use pixels::decode::{self, Format, jpeg_components, jpeg_truncated};
use pixels::encode::{Encoding, encode};
use pixels::raster::Raster;
pub use pixels::{Failure, MAX_PIXELS};

/// Bump when the output of [`process`] changes, so cached copies are remade.
pub const ENCODER_VERSION: u32 = 2;

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

/// Whether a file is a photo the build can publish, and its size in pixels,
/// without decoding it: the desk checks an upload with the build's rules.
pub fn inspect(bytes: &[u8]) -> Result<(u32, u32), Failure> {
    let format = decode::sniff(bytes)?;
    if format == Format::Jpeg && jpeg_truncated(bytes) {
        return Err(Failure::Truncated);
    }
    let (width, height) = decode::dimensions(bytes, format)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Failure::TooLarge { width, height });
    }
    Ok((width, height))
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
    let format = decode::sniff(bytes)?;
    if format == Format::Jpeg && jpeg_truncated(bytes) {
        return Err(Failure::Truncated);
    }
    let mut notes = Vec::new();
    if format == Format::Jpeg && jpeg_components(bytes) == Some(4) {
        notes.push(Note::Cmyk);
    }
    let (raster, orientation) = decode::decode(bytes, format)?;
    let lossy = format == Format::Jpeg;
    let img = raster.upright(orientation);
    let widths = widths_for(img.width(), settings);
    // Largest first, each made from the one before: far less work than
    // resizing the full photo every time, and as sharp.
    let top_width = widths.last().copied().unwrap_or(img.width());
    let top = if top_width == img.width() {
        img
    } else {
        let height = scaled_height(img.width(), img.height(), top_width);
        resized(&img, top_width, height)?
    };
    let mut sized: Vec<Raster> = vec![top];
    for &width in widths.iter().rev().skip(1) {
        let Some(from) = sized.last() else { break };
        let height = scaled_height(from.width(), from.height(), width);
        let next = resized(from, width, height)?;
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

fn resized(from: &Raster, width: u32, height: u32) -> Result<Raster, Failure> {
    from.resized(width, height).map_err(|e| Failure::Damaged(e.to_string()))
}

fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    ((u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width).max(1)).max(1) as u32
}

/// The format of the copy published under the source's own name: what its
/// extension promises, else what the file is.
fn own_format(ext: &str, format: Format) -> Encoding {
    match (ext, format) {
        ("webp", _) => Encoding::WebP,
        ("png", _) => Encoding::Png,
        (_, Format::WebP) => Encoding::WebP,
        _ => Encoding::Png,
    }
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
        let pixels = (0..800 * 400)
            .flat_map(|i| if i % 800 < 400 { [200, 30, 30] } else { [255, 255, 255] })
            .collect();
        let img = Raster::new(800, 400, false, pixels).unwrap();
        let png = encode(&img, Encoding::Png).unwrap();
        let out = process(&png, "png", &settings(&[480, 960])).unwrap();
        let own = out.files.iter().find(|f| f.suffix.is_empty()).unwrap();
        assert_eq!((own.width, own.height), (800, 400));
        assert_eq!(decode::sniff(&own.bytes), Ok(Format::Png));
        let small = out.files.iter().find(|f| f.width == 480).unwrap();
        assert_eq!(small.height, 240);
        assert!(out.files.iter().filter(|f| f.in_srcset).count() == 2);
    }

    #[test]
    fn every_copy_decodes_to_its_stated_size() {
        let pixels = (0..640 * 480u32)
            .flat_map(|i| [(i % 640 / 3) as u8, (i / 640 / 2) as u8, 90])
            .collect();
        let img = Raster::new(640, 480, false, pixels).unwrap();
        let jpeg = encode(&img, Encoding::Jpeg(85)).unwrap();
        assert_eq!(inspect(&jpeg), Ok((640, 480)));
        let out = process(&jpeg, "jpg", &settings(&[200, 400, 1000])).unwrap();
        assert_eq!(out.files.len(), 3);
        for made in &out.files {
            let format = decode::sniff(&made.bytes).unwrap();
            let (raster, _) = decode::decode(&made.bytes, format).unwrap();
            assert_eq!((raster.width(), raster.height()), (made.width, made.height));
        }
        // That a lossless copy gives the very pixels back is the pixels crate's test.
    }
}
