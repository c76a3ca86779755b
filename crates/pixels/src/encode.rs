//! Pixels to file bytes, without any metadata: the encoders write none
//! unless given it, so no GPS position, camera serial or owner is published.

use crate::Failure;
use crate::raster::Raster;

/// The formats copies are made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// With the quality, 1–100. Chroma is subsampled 4:2:0, as cameras do.
    Jpeg(u8),
    Png,
    /// Lossless.
    WebP,
}

impl Encoding {
    /// The file name extension of the format.
    pub fn extension(self) -> &'static str {
        match self {
            Encoding::Jpeg(_) => "jpg",
            Encoding::Png => "png",
            Encoding::WebP => "webp",
        }
    }
}

/// The file of `image` in `encoding`.
pub fn encode(image: &Raster, encoding: Encoding) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    let (width, height, alpha) = (image.width(), image.height(), image.has_alpha());
    let failed = |e: &dyn std::fmt::Display| Failure::Damaged(e.to_string());
    match encoding {
        Encoding::Jpeg(quality) => {
            // JPEG's sides are 16-bit numbers; a JPEG source never exceeds them.
            let side = |n: u32| u16::try_from(n).map_err(|e| failed(&e));
            let color = if alpha {
                jpeg_encoder::ColorType::Rgba
            } else {
                jpeg_encoder::ColorType::Rgb
            };
            jpeg_encoder::Encoder::new(&mut out, quality)
                .encode(image.pixels(), side(width)?, side(height)?, color)
                .map_err(|e| failed(&e))?;
        }
        Encoding::Png => {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(if alpha {
                png::ColorType::Rgba
            } else {
                png::ColorType::Rgb
            });
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_compression(png::Compression::Balanced);
            encoder.set_filter(png::Filter::Adaptive);
            let mut writer = encoder.write_header().map_err(|e| failed(&e))?;
            writer.write_image_data(image.pixels()).map_err(|e| failed(&e))?;
            writer.finish().map_err(|e| failed(&e))?;
        }
        Encoding::WebP => {
            let color = if alpha {
                image_webp::ColorType::Rgba8
            } else {
                image_webp::ColorType::Rgb8
            };
            image_webp::WebPEncoder::new(&mut out)
                .encode(image.pixels(), width, height, color)
                .map_err(|e| failed(&e))?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{self, Format};

    #[test]
    fn each_encoding_decodes_to_the_same_size_and_lossless_webp_to_the_same_pixels() {
        let pixels = (0..64 * 48u32)
            .flat_map(|i| [(i % 64 * 4) as u8, (i / 64 * 5) as u8, 90])
            .collect();
        let image = Raster::new(64, 48, false, pixels).unwrap();
        for (encoding, format) in [
            (Encoding::Jpeg(85), Format::Jpeg),
            (Encoding::Png, Format::Png),
            (Encoding::WebP, Format::WebP),
        ] {
            let bytes = encode(&image, encoding).unwrap();
            assert_eq!(decode::sniff(&bytes), Ok(format), "{encoding:?}");
            let (back, _) = decode::decode(&bytes, format).unwrap();
            assert_eq!((back.width(), back.height()), (64, 48), "{encoding:?}");
            if encoding != Encoding::Jpeg(85) {
                assert_eq!(back, image, "{encoding:?} is lossless");
            }
        }
    }

    #[test]
    fn a_jpeg_wider_than_its_format_allows_is_refused_not_cut() {
        let wide = Raster::new(70_000, 1, false, vec![0; 70_000 * 3]).unwrap();
        assert!(matches!(encode(&wide, Encoding::Jpeg(80)), Err(Failure::Damaged(_))));
    }
}
