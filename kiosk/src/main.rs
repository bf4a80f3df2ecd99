fn main() -> anyhow::Result<()> {
    let window = kiosk::start_window()?;
    slint::ComponentHandle::run(&window)?;
    Ok(())
}
