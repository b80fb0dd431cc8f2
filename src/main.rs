fn main() -> std::process::ExitCode {
    gutcheck::cli::run()
}
