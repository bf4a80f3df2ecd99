use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = sync_server::cli::Cli::parse();
    match sync_server::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Błąd: {e:#}");
            ExitCode::FAILURE
        }
    }
}
