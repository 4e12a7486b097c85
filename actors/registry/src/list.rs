// The actors of Cloudless, each once, in manifest order: the one list the bundle (which Wasm to
// build and pack), the host's ABI (every actor's methods, state and invariants), genesis (the
// `[actors.<name>]` sections) and the test indexer read. The FVM numbers actor types by manifest
// position, so the core actors come first and no line is ever reordered; add new ones at the end
// of their kind.
//
// One line per actor:
//   <kind> "<bundle name>" = <crate>::<ActorCode type> in "<package>"
//       [, genesis <host genesis module>::<Section type>] [, index <host indexer module>::<view type>];
// kind: `core` (what the FVM needs), `product` (the Cloudless actors), `test` (test bundle only).
// `genesis` names its `[actors.<name>]` section (host/src/genesis/<module>.rs), `index` the view
// the test indexer rebuilds from its events (host/src/testing/indexer/<module>.rs).
actors! {
    core "system" = cloudless_actor_system::SystemActor in "cloudless-actor-system";
    core "init" = cloudless_actor_init::InitActor in "cloudless-actor-init";
    core "account" = cloudless_actor_account::AccountActor in "cloudless-actor-account";
    core "placeholder" = cloudless_actor_placeholder::PlaceholderActor in "cloudless-actor-placeholder";
    core "ethaccount" = cloudless_actor_ethaccount::EthAccountActor in "cloudless-actor-ethaccount";
    core "eam" = cloudless_actor_eam::EamActor in "cloudless-actor-eam";
    core "reward" = cloudless_actor_reward::RewardActor in "cloudless-actor-reward";
    product "oracle" = cloudless_actor_oracle::OracleActor in "cloudless-actor-oracle",
        genesis oracle::OracleConfig, index oracle::OracleView;
    product "capacity" = cloudless_actor_capacity::CapacityActor in "cloudless-actor-capacity",
        genesis capacity::CapacityConfig, index capacity::CapacityView;
    product "rewards" = cloudless_actor_rewards::RewardsActor in "cloudless-actor-rewards",
        genesis rewards::RewardsConfig, index rewards::RewardsView;
    product "gateway" = cloudless_actor_gateway::GatewayActor in "cloudless-actor-gateway",
        genesis gateway::GatewayConfig, index gateway::GatewayView;
    product "market" = cloudless_actor_market::MarketActor in "cloudless-actor-market",
        genesis market::MarketConfig, index market::MarketView;
    test "test-syscall" = cloudless_actor_test_syscall::TestSyscallActor in "cloudless-actor-test-syscall";
    test "test-receiver" = cloudless_actor_test_receiver::TestReceiverActor in "cloudless-actor-test-receiver";
    test "test-ipc-gateway" = cloudless_actor_test_ipc_gateway::TestIpcGatewayActor in "cloudless-actor-test-ipc-gateway";
    test "test-counter" = cloudless_actor_test_counter::TestCounterActor in "cloudless-actor-test-counter";
}
