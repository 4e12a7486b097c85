//! Placeholder actor: stands at an f4 address that has received funds before any actor was
//! deployed there. It only holds value: it has no constructor (the FVM creates it without one)
//! and every method invocation is refused.

cloudless_runtime::actor! {
    /// The placeholder actor (bundle name `placeholder`).
    pub struct PlaceholderActor = "placeholder";
    state: ();
    events: [];
}

#[cfg(feature = "fil-actor")]
cloudless_runtime::wasm_entry!(PlaceholderActor);

#[cfg(test)]
mod tests {
    use cloudless_runtime::mock::MockRuntime;
    use fvm_shared::error::ExitCode;

    use super::*;

    #[test]
    fn refuses_every_method_and_has_no_constructor() {
        let rt = MockRuntime::new::<PlaceholderActor>(200);
        for method in [1, 2, cloudless_runtime::FIRST_EXPORTED_METHOD_NUMBER] {
            rt.refused(100, method, &(), ExitCode::USR_UNHANDLED_MESSAGE);
        }
        assert!(METHODS.is_empty());
    }
}
