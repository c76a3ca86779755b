//! The pixel work of Tongxin's photo stage, kept in a crate of its own so
//! that debug builds can optimise it (see `Cargo.toml`): what a file is by
//! its first bytes ([`decode::sniff`]), its pixels ([`decode::decode`]),
//! turned upright and resized ([`raster::Raster`]), and encoded again
//! without metadata ([`encode::encode`]).
//!
//! Which copies a photo gets, the cache and the messages users read stay in
//! `tongxin::output::images`.

pub mod decode;
pub mod encode;
pub mod raster;

/// Photos with more pixels than this are refused rather than decoded: 64
/// million pixels (a 12,000 × 5,300 panorama) take 192 MB in memory.
pub const MAX_PIXELS: u64 = 64_000_000;

/// Why a photo could not be decoded or encoded.
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
