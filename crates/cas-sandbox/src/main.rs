use cas_sandbox::cli::{self, Parsed};

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match cli::parse(&argv) {
        Ok(Parsed::Run(a)) => *a,
        Ok(Parsed::Help(text)) => {
            println!("{text}");
            return;
        }
        Err(e) => {
            eprintln!("cas-sandbox: {e}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cas-sandbox: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(f) = runtime.block_on(cas_sandbox::server::run(args)) {
        eprintln!("cas-sandbox: {}", f.message);
        std::process::exit(f.code);
    }
}
