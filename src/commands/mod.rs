//! The commands a user runs. Each is a function the binary and the tests call.

pub mod build;
pub mod check;
pub mod init;
pub mod load;
pub mod new;
pub mod serve;
