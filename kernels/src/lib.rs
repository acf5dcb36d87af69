//! The paired kernels of unsafe-ledger, their input generators, and the registry that lists them.
//!
//! This is the only crate of the workspace that contains `unsafe`, and inside it only files whose
//! names say so (`raw.rs`, `unchecked_call.rs`) allow it. Each family module holds one operation
//! implemented several ways: a `baseline` (what most code writes), the best `safe` techniques, and
//! `unsafe` raw-pointer versions. Everything that benches, tests and reports need to know about a
//! family is reachable from [`families::FAMILIES`]; what a family is, from [`family`].

pub mod digest;
pub mod families;
pub mod family;
pub mod fixture;
pub mod generate;
pub mod input;
pub mod shared_output;
mod unchecked_call;
pub mod unsafe_code;

pub use digest::{Digest, RecordFold, RecordsRejected, Utf8Failure};
pub use families::{FAMILIES, family, unsafe_variants};
pub use family::{Family, Kind, Unsafety, Variant, VerifyError};
pub use fixture::Fixture;
pub use input::{Input, InputName, InputSpec, Unit};
pub use shared_output::SharedOutput;
pub use unchecked_call::{Bound, BuildFixture, Precondition, Refusal, Run};
pub use unsafe_code::UnsafeCode;
