fn main() {
    // The kiosk's own words in English and Ukrainian (Polish is the source), compiled into the binary.
    let lang = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lang");
    let config = slint_build::CompilerConfiguration::new().with_bundled_translations(lang);
    slint_build::compile_with_config("ui/app.slint", config).expect("the kiosk UI must compile");
}
