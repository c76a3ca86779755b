//! Decoded pixels and the two things done to them: turned upright as the
//! camera's EXIF orientation says, and resized.

use rgb::FromSlice;

/// Pixels 8 bits a channel, rows from the top: RGB, or RGBA when `alpha`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raster {
    width: u32,
    height: u32,
    alpha: bool,
    pixels: Vec<u8>,
}

impl Raster {
    /// `None` when `pixels` does not hold exactly `width` × `height` pixels.
    pub fn new(width: u32, height: u32, alpha: bool, pixels: Vec<u8>) -> Option<Raster> {
        let channels = if alpha { 4 } else { 3 };
        let expected = (width as usize).checked_mul(height as usize)?.checked_mul(channels)?;
        (pixels.len() == expected && width > 0 && height > 0).then_some(Raster {
            width,
            height,
            alpha,
            pixels,
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    pub fn has_alpha(&self) -> bool {
        self.alpha
    }

    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    fn channels(&self) -> usize {
        if self.alpha { 4 } else { 3 }
    }

    /// The picture as it should be seen, from pixels stored in `orientation`.
    pub fn upright(self, orientation: Orientation) -> Raster {
        if orientation == Orientation::Upright {
            return self;
        }
        let (w, h) = (self.width as usize, self.height as usize);
        let turned = orientation.turns_sideways();
        let (out_w, out_h) = if turned { (h, w) } else { (w, h) };
        let channels = self.channels();
        let mut pixels = Vec::with_capacity(self.pixels.len());
        for y in 0..out_h {
            for x in 0..out_w {
                // The stored pixel shown at (x, y).
                let (sx, sy) = match orientation {
                    Orientation::Upright => (x, y),
                    Orientation::Mirrored => (w - 1 - x, y),
                    Orientation::UpsideDown => (w - 1 - x, h - 1 - y),
                    Orientation::MirroredUpsideDown => (x, h - 1 - y),
                    Orientation::Transposed => (y, x),
                    Orientation::TurnedClockwise => (y, h - 1 - x),
                    Orientation::Transversed => (w - 1 - y, h - 1 - x),
                    Orientation::TurnedAnticlockwise => (w - 1 - y, x),
                };
                let at = (sy * w + sx) * channels;
                pixels.extend_from_slice(&self.pixels[at..at + channels]);
            }
        }
        Raster {
            width: out_w as u32,
            height: out_h as u32,
            alpha: self.alpha,
            pixels,
        }
    }

    /// A copy `width` × `height` pixels large, with the Catmull-Rom filter
    /// (sharp, without the halos of Lanczos). Transparent pixels are
    /// weighted by their opacity, so their hidden colour never bleeds into
    /// the edges of what is visible.
    pub fn resized(&self, width: u32, height: u32) -> Result<Raster, resize::Error> {
        let (from_w, from_h) = (self.width as usize, self.height as usize);
        let (to_w, to_h) = (width as usize, height as usize);
        let mut pixels = vec![0; to_w * to_h * self.channels()];
        if self.alpha {
            resize::new(from_w, from_h, to_w, to_h, resize::Pixel::RGBA8P, resize::Type::Catrom)?
                .resize(self.pixels.as_rgba(), pixels.as_rgba_mut())?;
        } else {
            resize::new(from_w, from_h, to_w, to_h, resize::Pixel::RGB8, resize::Type::Catrom)?
                .resize(self.pixels.as_rgb(), pixels.as_rgb_mut())?;
        }
        Ok(Raster {
            width,
            height,
            alpha: self.alpha,
            pixels,
        })
    }
}

/// How the pixels of a photo are stored relative to how it should be seen:
/// the EXIF orientation values 1 to 8, which phones write instead of turning
/// the pixels themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// 1: as stored.
    Upright,
    /// 2: left and right swapped.
    Mirrored,
    /// 3: turned half round.
    UpsideDown,
    /// 4: top and bottom swapped.
    MirroredUpsideDown,
    /// 5: rows stored as columns.
    Transposed,
    /// 6: shown turned a quarter clockwise (a phone held upright).
    TurnedClockwise,
    /// 7: transposed and turned half round.
    Transversed,
    /// 8: shown turned a quarter anticlockwise.
    TurnedAnticlockwise,
}

impl Orientation {
    fn from_number(n: u16) -> Option<Orientation> {
        Some(match n {
            1 => Orientation::Upright,
            2 => Orientation::Mirrored,
            3 => Orientation::UpsideDown,
            4 => Orientation::MirroredUpsideDown,
            5 => Orientation::Transposed,
            6 => Orientation::TurnedClockwise,
            7 => Orientation::Transversed,
            8 => Orientation::TurnedAnticlockwise,
            _ => return None,
        })
    }

    /// Whether width and height swap when the photo is turned upright.
    fn turns_sideways(self) -> bool {
        matches!(
            self,
            Orientation::Transposed
                | Orientation::TurnedClockwise
                | Orientation::Transversed
                | Orientation::TurnedAnticlockwise
        )
    }

    /// The orientation tag of an EXIF block (a TIFF structure, without the
    /// `Exif\0\0` that JPEG puts before it); upright when there is none or
    /// it cannot be read.
    pub fn from_exif(exif: &[u8]) -> Orientation {
        let exif = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
        let big_endian = match exif.get(..4) {
            Some(b"MM\0\x2a") => true,
            Some(b"II\x2a\0") => false,
            _ => return Orientation::Upright,
        };
        let u16_at = |at: usize| {
            let b = exif.get(at..at + 2)?;
            Some(if big_endian {
                u16::from_be_bytes([b[0], b[1]])
            } else {
                u16::from_le_bytes([b[0], b[1]])
            })
        };
        let u32_at = |at: usize| {
            let b = exif.get(at..at + 4)?;
            let b = [b[0], b[1], b[2], b[3]];
            Some(if big_endian {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            })
        };
        let found = || -> Option<Orientation> {
            let ifd = u32_at(4)? as usize;
            let entries = u16_at(ifd)?;
            (0..usize::from(entries)).find_map(|i| {
                let entry = ifd + 2 + i * 12;
                // Tag 0x0112, one SHORT.
                let is_orientation = u16_at(entry)? == 0x0112 && u16_at(entry + 2)? == 3 && u32_at(entry + 4)? == 1;
                if is_orientation {
                    Orientation::from_number(u16_at(entry + 8)?)
                } else {
                    None
                }
            })
        };
        found().unwrap_or(Orientation::Upright)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3 × 2 picture whose pixels are numbered 0–5 in their red channel:
    ///
    /// ```text
    /// 0 1 2
    /// 3 4 5
    /// ```
    fn numbered() -> Raster {
        let pixels = (0..6u8).flat_map(|n| [n, 0, 0]).collect();
        Raster::new(3, 2, false, pixels).unwrap()
    }

    fn numbers(r: &Raster) -> Vec<u8> {
        r.pixels().chunks_exact(3).map(|p| p[0]).collect()
    }

    #[test]
    fn each_orientation_is_turned_upright() {
        let cases = [
            (Orientation::Upright, (3, 2), vec![0, 1, 2, 3, 4, 5]),
            (Orientation::Mirrored, (3, 2), vec![2, 1, 0, 5, 4, 3]),
            (Orientation::UpsideDown, (3, 2), vec![5, 4, 3, 2, 1, 0]),
            (Orientation::MirroredUpsideDown, (3, 2), vec![3, 4, 5, 0, 1, 2]),
            (Orientation::Transposed, (2, 3), vec![0, 3, 1, 4, 2, 5]),
            // Turned a quarter clockwise, the left column (0, 3) becomes the
            // top row, read from the bottom up.
            (Orientation::TurnedClockwise, (2, 3), vec![3, 0, 4, 1, 5, 2]),
            (Orientation::Transversed, (2, 3), vec![5, 2, 4, 1, 3, 0]),
            (Orientation::TurnedAnticlockwise, (2, 3), vec![2, 5, 1, 4, 0, 3]),
        ];
        for (orientation, size, expected) in cases {
            let r = numbered().upright(orientation);
            assert_eq!((r.width(), r.height()), size, "{orientation:?}");
            assert_eq!(numbers(&r), expected, "{orientation:?}");
        }
    }

    /// An EXIF block holding only an orientation, in either byte order.
    fn exif(value: u16, big_endian: bool) -> Vec<u8> {
        let n16 = |n: u16| if big_endian { n.to_be_bytes() } else { n.to_le_bytes() };
        let n32 = |n: u32| if big_endian { n.to_be_bytes() } else { n.to_le_bytes() };
        let mut out = if big_endian {
            b"MM\0\x2a".to_vec()
        } else {
            b"II\x2a\0".to_vec()
        };
        out.extend_from_slice(&n32(8));
        out.extend_from_slice(&n16(1));
        out.extend_from_slice(&n16(0x0112));
        out.extend_from_slice(&n16(3));
        out.extend_from_slice(&n32(1));
        out.extend_from_slice(&n16(value));
        out.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        out
    }

    #[test]
    fn the_orientation_is_read_in_either_byte_order() {
        assert_eq!(Orientation::from_exif(&exif(6, true)), Orientation::TurnedClockwise);
        assert_eq!(
            Orientation::from_exif(&exif(8, false)),
            Orientation::TurnedAnticlockwise
        );
        let mut with_header = b"Exif\0\0".to_vec();
        with_header.extend(exif(3, false));
        assert_eq!(Orientation::from_exif(&with_header), Orientation::UpsideDown);
        // Out of range, cut short, or not EXIF at all: upright.
        assert_eq!(Orientation::from_exif(&exif(9, true)), Orientation::Upright);
        assert_eq!(Orientation::from_exif(&exif(6, true)[..12]), Orientation::Upright);
        assert_eq!(Orientation::from_exif(b"nonsense"), Orientation::Upright);
    }

    #[test]
    fn resizing_keeps_flat_colours_and_hides_transparent_ones() {
        let red = Raster::new(40, 20, false, [200, 30, 30].repeat(800)).unwrap();
        let small = red.resized(10, 5).unwrap();
        assert_eq!((small.width(), small.height()), (10, 5));
        assert!(small.pixels().chunks_exact(3).all(|p| p == [200, 30, 30]));

        // Left half opaque white, right half fully transparent "black".
        let pixels = (0..40 * 20)
            .flat_map(|i| {
                if i % 40 < 20 {
                    [255, 255, 255, 255]
                } else {
                    [0, 0, 0, 0]
                }
            })
            .collect();
        let half = Raster::new(40, 20, true, pixels).unwrap();
        let small = half.resized(20, 10).unwrap();
        for p in small.pixels().chunks_exact(4).filter(|p| p[3] > 0) {
            assert!(p[0] >= 250, "no dark halo at the edge: {p:?}");
        }
    }

    #[test]
    fn a_raster_must_hold_its_pixels() {
        assert!(Raster::new(2, 2, false, vec![0; 12]).is_some());
        assert!(Raster::new(2, 2, true, vec![0; 12]).is_none());
        assert!(Raster::new(0, 2, false, vec![]).is_none());
    }
}
