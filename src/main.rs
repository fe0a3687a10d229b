fn main() -> std::process::ExitCode {
    qbank::cli::main()
}
