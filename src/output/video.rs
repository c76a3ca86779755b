//! What a page says about a video beside it: its size, and its duration read
//! from the file's header without decoding anything: the `mvhd` box of an
//! MP4 (inside `moov`, which may come after the media data, so top-level
//! boxes are skipped by their sizes), or the `Duration` element of a WebM's
//! `Info` (Matroska EBML, scaled by its `TimecodeScale`). A file that cannot be
//! read this way has no duration; nothing here fails or panics on bad bytes.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::content::figures::VideoInfo;

/// How far into a file to look for the header boxes: a `moov` box after
/// gigabytes of media would still be found, but a damaged file is not read
/// box by box forever.
const MAX_BOXES: usize = 4096;

/// The size and, when its header says, the duration of the video at `path`.
pub fn probe(path: &Path, extension: &str) -> Option<VideoInfo> {
    let mut file = File::open(path).ok()?;
    let bytes = file.metadata().ok()?.len();
    let seconds = match extension {
        "mp4" | "m4v" => mp4_duration(&mut file, bytes),
        "webm" => webm_duration(&mut file),
        _ => None,
    }
    .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1.0e7);
    Some(VideoInfo { bytes, seconds })
}

/// The duration in seconds of the MP4 in `r` (`len` bytes long), from `moov/mvhd`.
pub fn mp4_duration<R: Read + Seek>(r: &mut R, len: u64) -> Option<f64> {
    let moov = find_box(r, 0, len, b"moov")?;
    let (start, end) = moov;
    let (mvhd, mvhd_end) = find_box(r, start, end, b"mvhd")?;
    r.seek(SeekFrom::Start(mvhd)).ok()?;
    let mut head = [0u8; 4];
    r.read_exact(&mut head).ok()?;
    let version = head[0];
    let (timescale, duration) = if version == 1 {
        // creation and modification times: 8 bytes each
        let mut b = [0u8; 28];
        if mvhd + 4 + 28 > mvhd_end {
            return None;
        }
        r.read_exact(&mut b).ok()?;
        (
            u32::from_be_bytes(b[16..20].try_into().ok()?),
            u64::from_be_bytes(b[20..28].try_into().ok()?),
        )
    } else {
        let mut b = [0u8; 16];
        if mvhd + 4 + 16 > mvhd_end {
            return None;
        }
        r.read_exact(&mut b).ok()?;
        (
            u32::from_be_bytes(b[8..12].try_into().ok()?),
            u64::from(u32::from_be_bytes(b[12..16].try_into().ok()?)),
        )
    };
    // An unknown duration is written as all ones.
    if timescale == 0 || duration == u64::MAX || (version == 0 && duration == u64::from(u32::MAX)) {
        return None;
    }
    Some(duration as f64 / f64::from(timescale))
}

/// The content of the first box of type `kind` between `start` and `end`:
/// (first byte after its header, end).
fn find_box<R: Read + Seek>(r: &mut R, start: u64, end: u64, kind: &[u8; 4]) -> Option<(u64, u64)> {
    let mut at = start;
    for _ in 0..MAX_BOXES {
        if at.checked_add(8)? > end {
            return None;
        }
        r.seek(SeekFrom::Start(at)).ok()?;
        let mut head = [0u8; 8];
        r.read_exact(&mut head).ok()?;
        let size32 = u32::from_be_bytes(head[..4].try_into().ok()?);
        let (size, header) = match size32 {
            // to the end of the file
            0 => (end - at, 8),
            1 => {
                let mut large = [0u8; 8];
                r.read_exact(&mut large).ok()?;
                (u64::from_be_bytes(large), 16)
            }
            n => (u64::from(n), 8),
        };
        if size < header || at.checked_add(size)? > end {
            return None;
        }
        if &head[4..8] == kind {
            return Some((at + header, at + size));
        }
        at += size;
    }
    None
}

/// EBML ids of the elements on the way to the duration.
const EBML_HEADER: u32 = 0x1A45_DFA3;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TIMECODE_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;

/// The duration in seconds of the WebM in `r`, from `Segment/Info/Duration`.
pub fn webm_duration<R: Read + Seek>(r: &mut R) -> Option<f64> {
    r.seek(SeekFrom::Start(0)).ok()?;
    let (id, size) = element_head(r)?;
    if id != EBML_HEADER {
        return None;
    }
    r.seek(SeekFrom::Current(i64::try_from(size?).ok()?)).ok()?;
    let (id, _) = element_head(r)?;
    if id != SEGMENT {
        return None;
    }
    // Top-level elements of the segment, until Info.
    for _ in 0..MAX_BOXES {
        let (id, size) = element_head(r)?;
        let size = size?;
        if id != INFO {
            r.seek(SeekFrom::Current(i64::try_from(size).ok()?)).ok()?;
            continue;
        }
        if size > 4096 {
            return None;
        }
        let mut info = vec![0u8; size as usize];
        r.read_exact(&mut info).ok()?;
        let mut cursor = std::io::Cursor::new(info.as_slice());
        let mut scale: u64 = 1_000_000;
        let mut duration = None;
        while (cursor.position() as usize) < info.len() {
            let (id, size) = element_head(&mut cursor)?;
            let size = usize::try_from(size?).ok()?;
            let at = cursor.position() as usize;
            let body = info.get(at..at.checked_add(size)?)?;
            match id {
                TIMECODE_SCALE if !body.is_empty() && body.len() <= 8 => {
                    scale = body.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b));
                }
                DURATION => {
                    duration = match body.len() {
                        4 => Some(f64::from(f32::from_be_bytes(body.try_into().ok()?))),
                        8 => Some(f64::from_be_bytes(body.try_into().ok()?)),
                        _ => None,
                    };
                }
                _ => {}
            }
            cursor.set_position((at + size) as u64);
        }
        return duration.map(|d| d * scale as f64 / 1.0e9);
    }
    None
}

/// An element's id (with its length marker, as the specification writes
/// ids) and its size (`None`: unknown).
fn element_head<R: Read>(r: &mut R) -> Option<(u32, Option<u64>)> {
    let mut first = [0u8; 1];
    r.read_exact(&mut first).ok()?;
    let id_len = first[0].leading_zeros() as usize + 1;
    if id_len > 4 {
        return None;
    }
    let mut id = u32::from(first[0]);
    for _ in 1..id_len {
        r.read_exact(&mut first).ok()?;
        id = (id << 8) | u32::from(first[0]);
    }
    r.read_exact(&mut first).ok()?;
    let size_len = first[0].leading_zeros() as usize + 1;
    if size_len > 8 {
        return None;
    }
    let mask = if size_len == 8 { 0 } else { 0xFFu8 >> size_len };
    let mut size = u64::from(first[0] & mask);
    let mut all_ones = first[0] & mask == mask;
    for _ in 1..size_len {
        r.read_exact(&mut first).ok()?;
        size = (size << 8) | u64::from(first[0]);
        all_ones &= first[0] == 0xFF;
    }
    Some((id, (!all_ones).then_some(size)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    fn mvhd_v0(timescale: u32, duration: u32) -> Vec<u8> {
        let mut body = vec![0u8; 4 + 8];
        body.extend(timescale.to_be_bytes());
        body.extend(duration.to_be_bytes());
        body.extend([0u8; 80]);
        mp4_box(b"mvhd", &body)
    }

    fn duration_of(bytes: &[u8]) -> Option<f64> {
        mp4_duration(&mut Cursor::new(bytes), bytes.len() as u64)
    }

    #[test]
    fn mp4_duration_from_mvhd_after_the_media_data() {
        let mut file = mp4_box(b"ftyp", b"isom\0\0\0\0isomavc1");
        file.extend(mp4_box(b"mdat", &[7u8; 1000]));
        file.extend(mp4_box(b"moov", &mvhd_v0(1000, 65_500)));
        assert_eq!(duration_of(&file), Some(65.5));
    }

    #[test]
    fn mp4_version_one_and_large_sizes() {
        let mut body = vec![1u8, 0, 0, 0];
        body.extend([0u8; 16]);
        body.extend(90_000u32.to_be_bytes());
        body.extend((90_000u64 * 125).to_be_bytes());
        body.extend([0u8; 80]);
        let moov = mp4_box(b"moov", &mp4_box(b"mvhd", &body));
        // An mdat written with a 64-bit size.
        let mut file = 1u32.to_be_bytes().to_vec();
        file.extend(b"mdat");
        file.extend(24u64.to_be_bytes());
        file.extend([0u8; 8]);
        file.extend(moov);
        assert_eq!(duration_of(&file), Some(125.0));
    }

    #[test]
    fn damaged_mp4_has_no_duration() {
        assert_eq!(duration_of(b""), None);
        assert_eq!(duration_of(b"\0\0\0\x04moov"), None, "a box smaller than its header");
        let mut file = mp4_box(b"moov", &mvhd_v0(0, 100));
        assert_eq!(duration_of(&file), None, "no time scale");
        file.truncate(20);
        assert_eq!(duration_of(&file), None, "cut short");
        let mut huge = 0xFFFF_FFF0u32.to_be_bytes().to_vec();
        huge.extend(b"free");
        assert_eq!(duration_of(&huge), None, "a size past the end");
    }

    fn ebml(id: &[u8], body: &[u8]) -> Vec<u8> {
        let mut out = id.to_vec();
        out.push(0x80 | body.len() as u8);
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn webm_duration_from_the_info_element() {
        let mut file = ebml(&[0x1A, 0x45, 0xDF, 0xA3], &ebml(&[0x42, 0x82], b"webm"));
        let mut info = ebml(&[0x2A, 0xD7, 0xB1], &[0x0F, 0x42, 0x40]); // 1 ms
        info.extend(ebml(&[0x44, 0x89], &12_345.0f64.to_be_bytes()));
        let mut segment = ebml(&[0x11, 0x4D, 0x9B, 0x74], &[0u8; 4]); // SeekHead, skipped
        segment.extend(ebml(&[0x15, 0x49, 0xA9, 0x66], &info));
        // A segment of unknown size, as live encoders write it.
        file.extend([0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        file.extend(segment);
        let got = webm_duration(&mut Cursor::new(file)).unwrap();
        assert!((got - 12.345).abs() < 1e-9, "{got}");
    }

    #[test]
    fn damaged_webm_has_no_duration() {
        assert_eq!(webm_duration(&mut Cursor::new(b"".to_vec())), None);
        assert_eq!(webm_duration(&mut Cursor::new(b"\x00\x00\x00".to_vec())), None);
        let header = ebml(&[0x1A, 0x45, 0xDF, 0xA3], b"");
        assert_eq!(webm_duration(&mut Cursor::new(header)), None, "no segment");
    }
}
