//! The commands a user runs. Each is a function the binary and the tests call,
//! a few steps over the engine ([`crate::engine`]).

pub mod build;
pub mod check;
pub mod deploy;
pub mod import;
pub mod init;
pub mod launch;
pub mod new;
pub mod serve;
