// The checker allocates many short strings per bank on every thread; mimalloc's
// thread-local free lists serve that better than glibc malloc (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    qbank::cli::main()
}
