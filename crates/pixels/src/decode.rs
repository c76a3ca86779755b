//! Source bytes to pixels: what kind of file a photo is (by its first bytes;
//! the name may lie), its size from the header alone, and its pixels with the
//! EXIF orientation that says which way is up.
//!
//! Each format's decoder is called directly (zune-jpeg, png, image-webp)
//! rather than through the `image` crate, whose colour management this
//! never used and which took a tenth of a clean release build to compile.

use std::io::Cursor;

use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

use crate::raster::{Orientation, Raster};
use crate::{Failure, MAX_PIXELS};

/// What the decoder of one photo may allocate.
const MAX_ALLOC: usize = 256 * 1024 * 1024;

/// The formats published (others are refused with a [`Failure`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
}

/// Formats that are images, but not ones a website should use: by their
/// first bytes, with the name shown to the user.
const REFUSED: &[(&[u8], &str)] = &[
    (b"BM", "BMP"),
    (b"II*\0", "TIFF"),
    (b"MM\0*", "TIFF"),
    (b"GIF8", "GIF"),
    (b"\0\0\x01\0", "ICO"),
    (b"8BPS", "PSD（Photoshop）"),
    (b"qoif", "QOI"),
    (b"DDS ", "DDS"),
    (b"#?RADIANCE", "HDR"),
    (b"farbfeld", "farbfeld"),
    (b"\x76\x2f\x31\x01", "OpenEXR"),
];

/// What a source file is, by its first bytes.
pub fn sniff(bytes: &[u8]) -> Result<Format, Failure> {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"avif" | b"avis" => Err(Failure::Avif),
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => Err(Failure::Heic),
            _ => Err(Failure::NotImage),
        };
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(Format::WebP);
    }
    match REFUSED.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        Some(&(_, name)) => Err(Failure::Unsupported(name)),
        None => Err(Failure::NotImage),
    }
}

/// The width and height in the header, without decoding the pixels.
pub fn dimensions(bytes: &[u8], format: Format) -> Result<(u32, u32), Failure> {
    match format {
        Format::Jpeg => {
            let mut decoder = jpeg_decoder(bytes);
            decoder.decode_headers().map_err(|e| damaged(&e))?;
            jpeg_dimensions(&decoder)
        }
        Format::Png => {
            let reader = png_reader(bytes)?;
            Ok((reader.info().width, reader.info().height))
        }
        Format::WebP => Ok(webp_decoder(bytes)?.dimensions()),
    }
}

/// The pixels (RGB, or RGBA when the photo has transparency) and the
/// orientation they are stored in. Refuses photos over [`MAX_PIXELS`] before
/// decoding them.
pub fn decode(bytes: &[u8], format: Format) -> Result<(Raster, Orientation), Failure> {
    match format {
        Format::Jpeg => decode_jpeg(bytes),
        Format::Png => decode_png(bytes),
        Format::WebP => decode_webp(bytes),
    }
}

/// A JPEG whose last scan has no end marker was cut off (an interrupted copy
/// or upload); the decoder would fill the rest with grey without a word.
pub fn jpeg_truncated(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    match last_scan {
        Some(at) => !bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9]),
        None => true,
    }
}

/// The number of colour components of a JPEG (4 for CMYK), from its frame header.
pub fn jpeg_components(bytes: &[u8]) -> Option<u8> {
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

fn within_limit(width: u32, height: u32) -> Result<(), Failure> {
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Failure::TooLarge { width, height });
    }
    Ok(())
}

fn jpeg_decoder(bytes: &[u8]) -> zune_jpeg::JpegDecoder<ZCursor<&[u8]>> {
    // Every JPEG becomes RGB: greyscale ones too, and CMYK (print) ones are
    // converted. The size limit is ours (MAX_PIXELS), not the decoder's
    // 16,384-pixel default, which would refuse a long panorama.
    let options = DecoderOptions::default()
        .set_strict_mode(false)
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX)
        .jpeg_set_out_colorspace(ColorSpace::RGB);
    zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options)
}

fn jpeg_dimensions(decoder: &zune_jpeg::JpegDecoder<ZCursor<&[u8]>>) -> Result<(u32, u32), Failure> {
    let (width, height) = decoder.dimensions().ok_or_else(|| Failure::Damaged(String::new()))?;
    // A JPEG's sides are 16-bit numbers.
    Ok((width as u32, height as u32))
}

fn decode_jpeg(bytes: &[u8]) -> Result<(Raster, Orientation), Failure> {
    let mut decoder = jpeg_decoder(bytes);
    decoder.decode_headers().map_err(|e| damaged(&e))?;
    let (width, height) = jpeg_dimensions(&decoder)?;
    within_limit(width, height)?;
    let orientation = decoder
        .exif()
        .map_or(Orientation::Upright, |exif| Orientation::from_exif(exif));
    let pixels = decoder.decode().map_err(|e| damaged(&e))?;
    let raster = Raster::new(width, height, false, pixels).ok_or_else(|| Failure::Damaged(String::new()))?;
    Ok((raster, orientation))
}

fn png_reader(bytes: &[u8]) -> Result<png::Reader<Cursor<&[u8]>>, Failure> {
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), png::Limits { bytes: MAX_ALLOC });
    // Palettes and transparency chunks expanded, 16-bit channels cut to 8.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    decoder.read_info().map_err(|e| match e {
        png::DecodingError::LimitsExceeded => Failure::TooLarge { width: 0, height: 0 },
        other => damaged(&other),
    })
}

fn decode_png(bytes: &[u8]) -> Result<(Raster, Orientation), Failure> {
    let mut reader = png_reader(bytes)?;
    let (width, height) = (reader.info().width, reader.info().height);
    within_limit(width, height)?;
    let orientation = reader
        .info()
        .exif_metadata
        .as_deref()
        .map_or(Orientation::Upright, Orientation::from_exif);
    let size = reader.output_buffer_size().ok_or(Failure::TooLarge { width, height })?;
    let mut buffer = vec![0; size];
    let frame = reader.next_frame(&mut buffer).map_err(|e| damaged(&e))?;
    buffer.truncate(frame.buffer_size());
    let (alpha, pixels) = match frame.color_type {
        png::ColorType::Rgb => (false, buffer),
        png::ColorType::Rgba => (true, buffer),
        png::ColorType::Grayscale => (false, buffer.iter().flat_map(|&v| [v, v, v]).collect()),
        png::ColorType::GrayscaleAlpha => (
            true,
            buffer.chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect(),
        ),
        // Expanded by the transformation above.
        png::ColorType::Indexed => return Err(Failure::Damaged("indexed colour".into())),
    };
    let raster = Raster::new(width, height, alpha, pixels).ok_or_else(|| Failure::Damaged(String::new()))?;
    Ok((raster, orientation))
}

fn webp_decoder(bytes: &[u8]) -> Result<image_webp::WebPDecoder<Cursor<&[u8]>>, Failure> {
    let mut decoder = image_webp::WebPDecoder::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    decoder.set_memory_limit(MAX_ALLOC);
    Ok(decoder)
}

fn decode_webp(bytes: &[u8]) -> Result<(Raster, Orientation), Failure> {
    let mut decoder = webp_decoder(bytes)?;
    let (width, height) = decoder.dimensions();
    within_limit(width, height)?;
    let orientation = decoder
        .exif_metadata()
        .ok()
        .flatten()
        .map_or(Orientation::Upright, |exif| Orientation::from_exif(&exif));
    let alpha = decoder.has_alpha();
    let size = decoder
        .output_buffer_size()
        .ok_or(Failure::TooLarge { width, height })?;
    let mut pixels = vec![0; size];
    // An animated WebP publishes its first frame.
    decoder.read_image(&mut pixels).map_err(|e| damaged(&e))?;
    let raster = Raster::new(width, height, alpha, pixels).ok_or_else(|| Failure::Damaged(String::new()))?;
    Ok((raster, orientation))
}

/// A decoder's complaint: a file that stops early is [`Failure::Truncated`]
/// (the user can copy it again), anything else is damage, with the reason.
fn damaged(error: &dyn std::fmt::Display) -> Failure {
    let text = error.to_string();
    let lower = text.to_lowercase();
    if ["eof", "end of", "no more bytes", "truncated"]
        .iter()
        .any(|w| lower.contains(w))
    {
        Failure::Truncated
    } else {
        Failure::Damaged(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_first_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Ok(Format::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Ok(Format::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Ok(Format::WebP));
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), Err(Failure::NotImage));
        assert_eq!(sniff(b"8BPS\0\x01"), Err(Failure::Unsupported("PSD（Photoshop）")));
        assert_eq!(sniff(b"GIF89a"), Err(Failure::Unsupported("GIF")));
        assert_eq!(sniff(b""), Err(Failure::NotImage));
        assert_eq!(sniff(b"\0\0\0\x18ftypavif\0\0\0\0"), Err(Failure::Avif));
    }

    #[test]
    fn greyscale_photos_decode_as_rgb() {
        let grey = [10u8, 200, 90, 250];
        let mut png = Vec::new();
        let mut encoder = png::Encoder::new(&mut png, 2, 1);
        encoder.set_color(png::ColorType::GrayscaleAlpha);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&grey).unwrap();
        writer.finish().unwrap();
        let (raster, _) = decode(&png, Format::Png).unwrap();
        assert!(raster.has_alpha());
        assert_eq!(raster.pixels(), [10, 10, 10, 200, 90, 90, 90, 250]);

        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, 100)
            .encode(&[128; 16 * 16], 16, 16, jpeg_encoder::ColorType::Luma)
            .unwrap();
        let (raster, _) = decode(&jpeg, Format::Jpeg).unwrap();
        assert!(!raster.has_alpha());
        assert_eq!(raster.pixels().len(), 16 * 16 * 3);
        assert!(raster.pixels().iter().all(|&v| v.abs_diff(128) <= 2), "still mid grey");
    }

    #[test]
    fn a_jpeg_cut_short_is_told_and_its_components_are_read() {
        let pixels: Vec<u8> = (0..32 * 32 * 3).map(|i| (i * 7 % 251) as u8).collect();
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, 80)
            .encode(&pixels, 32, 32, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        assert!(!jpeg_truncated(&jpeg));
        assert_eq!(jpeg_components(&jpeg), Some(3));
        let cut = &jpeg[..jpeg.len() - 40];
        assert!(jpeg_truncated(cut), "no end marker after the last scan");
        assert!(jpeg_truncated(&jpeg[..20]), "not even a scan");
    }

    #[test]
    fn a_cut_off_file_is_truncated_and_other_complaints_are_damage() {
        assert_eq!(damaged(&"unexpected EOF"), Failure::Truncated);
        assert_eq!(damaged(&"No more bytes"), Failure::Truncated);
        assert_eq!(
            damaged(&"bad Huffman code"),
            Failure::Damaged("bad Huffman code".into())
        );
    }
}
