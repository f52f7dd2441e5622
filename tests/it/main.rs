//! The integration tests, one binary (one link step instead of twelve). Each module spawns the
//! `quire` binary or calls the library on real books and checks the outputs with real
//! validators (EPUBCheck, qpdf, poppler).

mod common;

mod a11y;
mod accounting;
mod anthology;
mod atomic;
mod bad_input;
mod bench;
mod commonmark;
mod corpus;
mod edition;
mod epub;
mod fidelity;
mod golden;
mod html;
mod live;
mod pdf;
mod probes;
mod profiles;
mod props;
