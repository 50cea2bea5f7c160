//! The `leads` binary: everything lives in the library so tests and benchmarks can call it.

fn main() -> std::process::ExitCode {
    leads::cli::run(std::env::args_os())
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
