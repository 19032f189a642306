"""Servers that get the contract wrong, one deliberate fault each, to prove that the conformance
kit fails them (test_conformance_mutants.py runs the kit against every one).

Each mutant is the Python server (gymbridge.server) with one piece replaced: a Session or
EnvService subclass, a registry that wraps or makes the envs otherwise, or another health
handler. Production code has no fault switches; it only lets a server subclass say which service
class and handlers it runs (GymbridgeServer.service_class, rpc_handlers; EnvService.session_class).
``kills`` names the kit's checks (test function names, a parametrized one with its id) that must
fail against the mutant: the check that names its fault. Others may fail too.
"""

from __future__ import annotations

import dataclasses
import functools

import grpc
import gymnasium as gym
import numpy as np

from gymbridge import codec
from gymbridge.server.errors import Refusal, invalid
from gymbridge.server.registry import EnvRegistry
from gymbridge.server.server import GymbridgeServer
from gymbridge.server.service import EnvService
from gymbridge.server.session import DISABLED, NEXT_STEP, SAME_STEP, Session
from gymbridge.v1 import env_service_pb2 as pb
from gymbridge.v1 import space_pb2, value_pb2

ENV = "CartPole-v1"  # the env the kit exercises on every mutant
SERVED = ["Acrobot-v1", ENV]  # two ids, so that ListEnvs has an order and NOT_FOUND a list


def _copy(msg):
    out = type(msg)()
    out.CopyFrom(msg)
    return out


# ---- seeding ------------------------------------------------------------------------------------


class IgnoresResetSeed(Session):
    def _seeds(self, req):
        super()._seeds(req)
        return [None] * self.n


class ReseedsUnseededFromAConstant(Session):
    def _seeds(self, req):
        return [0 if s is None else s for s in super()._seeds(req)]


class SameSeedForEveryEnv(Session):
    def _seeds(self, req):
        seeds = super()._seeds(req)
        return [req.seed] * self.n if req.WhichOneof("seeding") == "seed" else seeds


class IgnoresSeedLists(Session):
    def _seeds(self, req):
        seeds = super()._seeds(req)
        return [None] * self.n if req.WhichOneof("seeding") == "seeds" else seeds


class TakesNegativeSeeds(Session):
    def _seeds(self, req):
        if req.WhichOneof("seeding") == "seed" and req.seed < 0:
            req = _copy(req)
            req.seed = -req.seed
        return super()._seeds(req)


class PadsShortSeedLists(Session):
    def _seeds(self, req):
        if req.WhichOneof("seeding") == "seeds" and len(req.seeds.seeds) < self.n:
            req = _copy(req)
            while len(req.seeds.seeds) < self.n:
                req.seeds.seeds.add()
        return super()._seeds(req)


# ---- reset masks --------------------------------------------------------------------------------


class ResetsEveryEnvRegardlessOfTheMask(Session):
    def _reset(self, req):
        req = _copy(req)
        req.ClearField("reset_mask")
        return super()._reset(req)


class SeedsFlaggedEnvsByTheirRank(Session):
    """reset(seed=s, reset_mask=m) gives the k-th flagged env seed s+k instead of s+i."""

    def _seeds(self, req):
        seeds = super()._seeds(req)
        if req.WhichOneof("seeding") == "seed" and req.reset_mask:
            flagged = [i for i, f in enumerate(req.reset_mask) if f and i < self.n]
            for k, i in enumerate(flagged):
                seeds[i] = req.seed + k
        return seeds


class PadsShortResetMasks(Session):
    def _reset(self, req):
        if req.reset_mask and len(req.reset_mask) < self.n:
            req = _copy(req)
            req.reset_mask.extend([False] * (self.n - len(req.reset_mask)))
        return super()._reset(req)


# ---- reset and step -----------------------------------------------------------------------------


class StepResetsANeverResetEnv(Session):
    def _step(self, req):
        for i, env in enumerate(self.envs):
            if not self._ever_reset[i]:
                self._obs[i], _ = env.reset()
                self._ever_reset[i] = True
        return super()._step(req)


class Float64Observations(Session):
    def _observation(self):
        items = [o if o is not None else self._zero_obs for o in self._obs]
        batch = codec.batch_of(self.obs_space, items)
        return value_pb2.Value(tensor=codec.to_tensor(np.asarray(batch, dtype=np.float64)))


class OneResetInfoForAllEnvs(Session):
    def _reset(self, req):
        resp = super()._reset(req)
        if self.n > 1:
            del resp.infos[:]
            resp.infos.add().entries["seeded"].CopyFrom(codec.to_value(True))
        return resp


class OneRewardForAllEnvs(Session):
    def _step(self, req):
        resp = super()._step(req)
        del resp.rewards[1:]
        return resp


class CastsActionsOfAnotherDtype(Session):
    def _step(self, req):
        t = req.action.tensor
        want = codec.dtype_enum(self.act_space.dtype)
        if req.action.WhichOneof("kind") == "tensor" and t.dtype != want:
            req = _copy(req)
            arr = codec.to_numpy(t).astype(self.act_space.dtype)
            req.action.tensor.CopyFrom(codec.to_tensor(arr))
        return super()._step(req)


class RepeatsAShortActionBatch(Session):
    def _step(self, req):
        t = req.action.tensor
        if req.action.WhichOneof("kind") == "tensor" and t.shape and t.shape[0] < self.n:
            req = _copy(req)
            arr = codec.to_numpy(t)
            req.action.tensor.CopyFrom(codec.to_tensor(np.resize(arr, (self.n, *arr.shape[1:]))))
        return super()._step(req)


class WrapsDiscreteActions(Session):
    def _step(self, req):
        space = self.act_space
        if isinstance(space, gym.spaces.Discrete) and req.action.WhichOneof("kind") == "tensor":
            req = _copy(req)
            arr = codec.to_numpy(req.action.tensor)
            wrapped = space.start + (arr - space.start) % space.n
            req.action.tensor.CopyFrom(codec.to_tensor(wrapped.astype(arr.dtype)))
        return super()._step(req)


class StepsEnvsBeforeCheckingEveryAction(Session):
    """A step with one action outside the space is refused after the envs before it stepped."""

    def _step(self, req):
        try:
            return super()._step(req)
        except Refusal as e:
            if e.code == grpc.StatusCode.INVALID_ARGUMENT and req.action.HasField("tensor"):
                arr = codec.to_numpy(req.action.tensor)
                for i in range(min(len(arr), self.n)):
                    if not self.act_space.contains(arr[i]):
                        break
                    self._obs[i], *_ = self.envs[i].step(arr[i])
            raise


class TakesUnknownResetOptions(Session):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.option_keys = None  # as for an env whose options the server cannot know


# ---- autoreset ----------------------------------------------------------------------------------


class NextStepResetsInTheEndingStep(Session):
    """NEXT_STEP, but an ended env is reset at once (its last observation lost)."""

    def _step(self, req):
        resp = super()._step(req)
        if self.mode == NEXT_STEP:
            for i in range(self.n):
                if resp.terminated[i] or resp.truncated[i]:
                    self._obs[i], _ = self.envs[i].reset()
                    self._pending[i] = False
            resp.observation.CopyFrom(self._observation())
        return resp


class AutoresetReseedsFromAConstant(Session):
    def _env_call(self, i, what, fn, options_given=False):
        if self.mode == NEXT_STEP and what == "reset" and fn == self.envs[i].reset:
            fn = functools.partial(self.envs[i].reset, seed=0)
        return super()._env_call(i, what, fn, options_given)


class _StepsAs(Session):
    """Runs one autoreset mode's steps as another mode's."""

    mode_from = mode_as = None

    def _step(self, req):
        if self.mode != self.mode_from:
            return super()._step(req)
        self.mode = self.mode_as
        try:
            return self._after(super()._step(req))
        finally:
            self.mode = self.mode_from

    def _after(self, resp):
        return resp


class SameStepResetsOnTheNextStep(_StepsAs):
    """SAME_STEP reports final observations, but resets the ended envs on the next step."""

    mode_from, mode_as = SAME_STEP, NEXT_STEP

    def _after(self, resp):
        ended = [i for i in range(self.n) if resp.terminated[i] or resp.truncated[i]]
        if ended:
            resp.final_env_indices.extend(ended)
            batch = codec.batch_of(self.obs_space, [self._obs[i] for i in ended])
            resp.final_observation.CopyFrom(codec.encode_batch(self.obs_space, batch))
        return resp


class DisabledAutoresets(_StepsAs):
    mode_from, mode_as = DISABLED, NEXT_STEP


class SameStepDropsTheFinalObservation(Session):
    """SAME_STEP sends the reset observation where the episode's last one belongs."""

    def _step(self, req):
        resp = super()._step(req)
        if resp.final_env_indices:
            batch = codec.batch_of(self.obs_space, [self._obs[i] for i in resp.final_env_indices])
            resp.final_observation.CopyFrom(codec.encode_batch(self.obs_space, batch))
        return resp


class DisabledRefusesAnEndedEnv(Session):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._ended = [False] * self.n

    def _reset(self, req):
        resp = super()._reset(req)
        for i in range(self.n):
            if not req.reset_mask or req.reset_mask[i]:
                self._ended[i] = False
        return resp

    def _step(self, req):
        if self.mode == DISABLED and any(self._ended):
            raise Refusal(
                grpc.StatusCode.FAILED_PRECONDITION, "an env's episode ended: reset it first"
            )
        resp = super()._step(req)
        for i in range(self.n):
            self._ended[i] = self._ended[i] or resp.terminated[i] or resp.truncated[i]
        return resp


# ---- envs and their spaces (the registry makes them) --------------------------------------------


class TruncationAsTermination(gym.Wrapper):
    def step(self, action):
        obs, reward, term, trunc, info = self.env.step(action)
        return obs, reward, term or trunc, False, info


class NarrowerObservationSpace(gym.Wrapper):
    """Declares an observation space that the env's observations fall outside of."""

    def __init__(self, env):
        super().__init__(env)
        s = env.observation_space
        self.observation_space = gym.spaces.Box(0, 0, s.shape, s.dtype)


class WiderObservationSpace(gym.Wrapper):
    def __init__(self, env):
        super().__init__(env)
        s = env.observation_space
        self.observation_space = gym.spaces.Box(s.low - 1, s.high + 1, s.shape, s.dtype)


class WiderActionSpace(gym.Wrapper):
    def __init__(self, env):
        super().__init__(env)
        self.action_space = gym.spaces.Discrete(env.action_space.n + 1)


def wrapping(wrapper) -> type[EnvRegistry]:
    class Wrapping(EnvRegistry):
        def make(self, env_id, kwargs, render_mode, max_episode_steps):
            return wrapper(super().make(env_id, kwargs, render_mode, max_episode_steps))

    return Wrapping


class IgnoresMaxEpisodeSteps(EnvRegistry):
    """Makes envs with their registered time limit; the spec still shows the client's."""

    def make(self, env_id, kwargs, render_mode, max_episode_steps):
        return super().make(env_id, kwargs, render_mode, None)


class NotFoundWithoutTheKnownIds(EnvRegistry):
    def check_id(self, env_id):
        if env_id not in self.ids():
            raise Refusal(grpc.StatusCode.NOT_FOUND, "env_id: unknown id")


# ---- the service: handshake, ListEnvs, Make, Close, Stream --------------------------------------


class OldProtocolRevision(EnvService):
    def _server_info(self):
        info = super()._server_info()
        info.protocol_revision = 1
        return info


class NoResetMaskCapability(EnvService):
    def _server_info(self):
        info = super()._server_info()
        caps = [c for c in info.capabilities if c != "reset_mask"]
        del info.capabilities[:]
        info.capabilities.extend(caps)
        return info


class _ListEnvsAs(EnvService):
    def ListEnvs(self, request, context):
        resp = super().ListEnvs(request, context)
        envs = self._listed([_copy(e) for e in resp.envs])
        del resp.envs[:]
        resp.envs.extend(envs)
        return resp


class UnsortedListEnvs(_ListEnvsAs):
    def _listed(self, envs):
        return envs[::-1]


class ListedSpaceUnlikeMade(_ListEnvsAs):
    def _listed(self, envs):
        for e in envs:
            e.action_space.discrete.n += 1
        return envs


class ListsAnUndecodableSpace(_ListEnvsAs):
    def _listed(self, envs):
        broken = pb.EnvSpec(id="Broken-v0", action_space=envs[0].action_space)
        broken.observation_space.box.CopyFrom(space_pb2.BoxSpace(shape=[1]))  # no dtype
        return sorted([*envs, broken], key=lambda e: e.id)


class BoxBoundsOfAnotherShape(EnvService):
    def _make(self, req):
        made = super()._make(req)
        box = made.spec.observation_space.box
        if box.low.shape:
            box.low.CopyFrom(codec.to_tensor(codec.to_numpy(box.low)[:1]))
        return made


class RefusesZeroEnvs(EnvService):
    def _make(self, req):
        if req.num_envs == 0:
            raise invalid("num_envs: expected >= 1, got 0")
        return super()._make(req)


class ReportsTheRequestedMode(EnvService):
    def _make(self, req):
        made = super()._make(req)
        made.autoreset_mode = req.autoreset_mode  # UNSPECIFIED stays so
        return made


class ReportsAnotherMode(EnvService):
    ROTATE = {NEXT_STEP: SAME_STEP, SAME_STEP: DISABLED, DISABLED: NEXT_STEP}

    def _make(self, req):
        made = super()._make(req)
        if req.autoreset_mode:
            made.autoreset_mode = self.ROTATE[req.autoreset_mode]
        return made


class ReusesSessionIds(EnvService):
    """A session's id is its env id: a second session of the env takes the first one's place."""

    def _make(self, req):
        made = super()._make(req)
        sid = f"s-{req.env_id}"
        with self._lock:
            session = self._sessions.pop(made.session_id)
            old = self._sessions.get(sid)
            self._sessions[sid] = session
        session.id = made.session_id = sid
        if old is not None:
            old.close()
        return made


class SpecWithoutTheOverride(EnvService):
    def _make(self, req):
        made = super()._make(req)
        registered = self.registry.default_spec(req.env_id)
        made.spec.max_episode_steps = registered.max_episode_steps
        return made


class IgnoresUnknownKwargs(EnvService):
    def _make(self, req):
        known = (
            self.registry.default_kwargs(req.env_id) if req.env_id in self.registry.ids() else {}
        )
        req = _copy(req)
        for k in [k for k in req.kwargs if k not in known]:
            del req.kwargs[k]
        return super()._make(req)


class ZeroMaxEpisodeStepsMeansNone(EnvService):
    def _make(self, req):
        if req.HasField("max_episode_steps") and req.max_episode_steps <= 0:
            req = _copy(req)
            req.ClearField("max_episode_steps")
        return super()._make(req)


class IgnoresUnknownRenderModes(EnvService):
    def _make(self, req):
        known = req.env_id in self.registry.ids()
        modes = self.registry.default_spec(req.env_id).render_modes if known else []
        if req.render_mode and known and req.render_mode not in modes:
            req = _copy(req)
            req.render_mode = ""
        return super()._make(req)


class OverTheLimitIsInvalidArgument(EnvService):
    def _make(self, req):
        if req.num_envs > self.limits.max_envs_per_session:
            raise invalid(f"num_envs: at most {self.limits.max_envs_per_session}")
        return super()._make(req)


class RenderWithoutModeIsInvalidArgument(EnvService):
    def Render(self, request, context):
        def render():
            session = self._get(request.session_id)
            if session.render_mode != "rgb_array":
                raise invalid("render_mode: the session was made without rgb_array")
            return session.render()

        return self._unary(context, "Render", render)


class CloseKeepsTheSession(EnvService):
    def _close(self, sid):
        self._get(sid)
        return pb.CloseResponse()


class ClosingAnUnknownSessionIsOk(EnvService):
    def _close(self, sid):
        try:
            return super()._close(sid)
        except Refusal:
            return pb.CloseResponse()


class UnknownSessionIsInvalidArgument(EnvService):
    def _get(self, sid):
        if self._sessions.get(sid) is None:
            raise invalid(f"session_id: no session {sid}")
        return super()._get(sid)


class StreamErrorsEndTheStream(EnvService):
    def stream_one(self, req, owned, context):
        resp = super().stream_one(req, owned, context)
        if resp.WhichOneof("response") == "error":
            raise RuntimeError(resp.error.message)  # the call fails, the stream with it
        return resp


class StreamSessionsOutliveTheStream(EnvService):
    def close_sessions(self, owned, why):
        pass


class NotServingHealth(GymbridgeServer):
    def rpc_handlers(self):
        async def check(request, context):
            return b"\x08\x02"  # HealthCheckResponse{status: NOT_SERVING}

        health = grpc.method_handlers_generic_handler(
            "grpc.health.v1.Health", {"Check": grpc.unary_unary_rpc_method_handler(check)}
        )
        return super().rpc_handlers()[0], health


# ---- the list -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Mutant:
    name: str
    fault: str  # what it gets wrong, in a line
    kills: tuple[str, ...]  # the kit checks that must fail against it
    session: type[Session] = Session
    service: type[EnvService] = EnvService
    registry: type[EnvRegistry] = EnvRegistry
    server: type[GymbridgeServer] = GymbridgeServer

    def start(self) -> GymbridgeServer:
        service = type(f"{self.name}-service", (self.service,), {"session_class": self.session})
        server = type(f"{self.name}-server", (self.server,), {"service_class": service})
        return server(self.registry(SERVED), port=0, host="127.0.0.1")


def M(name, fault, *kills, **parts) -> Mutant:  # noqa: N802 - reads as a table row
    return Mutant(name, fault, tuple(kills), **parts)


MUTANTS = [
    # The faults (#23)
    M(
        "ignores-reset-seed",
        "every reset is unseeded, whatever the client's seed",
        "test_the_same_seed_gives_the_same_observations",
        "test_seed_s_gives_env_i_the_seed_s_plus_i",
        session=IgnoresResetSeed,
    ),
    M(
        "reseeds-unseeded-resets",
        "a reset without a seed reseeds the env with 0",
        "test_no_seed_continues_each_envs_generator",
        session=ReseedsUnseededFromAConstant,
    ),
    M(
        "resets-every-env",
        "a reset_mask is ignored: every env is reset",
        "test_a_reset_mask_resets_only_the_flagged_envs",
        session=ResetsEveryEnvRegardlessOfTheMask,
    ),
    M(
        "next-step-resets-at-once",
        "NEXT_STEP resets an ended env in the step it ends",
        "test_next_step_resets_an_ended_env_on_the_following_step",
        "test_next_step_reset_observation_is_the_seeded_continuation",
        session=NextStepResetsInTheEndingStep,
    ),
    M(
        "same-step-resets-next-step",
        "SAME_STEP resets an ended env on the following step",
        "test_same_step_reports_the_final_observation_and_resets_at_once",
        session=SameStepResetsOnTheNextStep,
    ),
    M(
        "truncation-as-termination",
        "a time-limit truncation is reported as termination",
        "test_time_limit_truncates_at_max_episode_steps",
        registry=wrapping(TruncationAsTermination),
    ),
    M(
        "same-step-drops-final-obs",
        "SAME_STEP sends the reset observation as the final one",
        "test_same_step_reports_the_final_observation_and_resets_at_once",
        session=SameStepDropsTheFinalObservation,
    ),
    M(
        "disabled-autoresets",
        "DISABLED resets an ended env when it is stepped again",
        "test_disabled_never_resets_by_itself",
        session=DisabledAutoresets,
    ),
    M(
        "disabled-refuses-ended-env",
        "DISABLED refuses to step an env whose episode ended",
        "test_disabled_never_resets_by_itself",
        session=DisabledRefusesAnEndedEnv,
    ),
    M(
        "wider-observation-space",
        "declares an observation Box wider than the env's",
        "test_the_spaces_of_a_gymnasium_id_are_gymnasiums",
        registry=wrapping(WiderObservationSpace),
    ),
    M(
        "wider-action-space",
        "declares one more action than the env takes",
        "test_every_action_of_the_declared_action_space_is_taken",
        "test_the_spaces_of_a_gymnasium_id_are_gymnasiums",
        registry=wrapping(WiderActionSpace),
    ),
    M(
        "float64-observations",
        "observations travel as float64 where the space says float32",
        "test_observations_travel_in_the_spaces_dtype_and_shape",
        session=Float64Observations,
    ),
    M(
        "ignores-max-episode-steps",
        "the client's max_episode_steps is not applied",
        "test_time_limit_truncates_at_max_episode_steps",
        registry=IgnoresMaxEpisodeSteps,
    ),
    # Seeding and masks
    M(
        "same-seed-every-env",
        "seed=s seeds every env with s, not env i with s+i",
        "test_seed_s_gives_env_i_the_seed_s_plus_i",
        session=SameSeedForEveryEnv,
    ),
    M(
        "ignores-seed-lists",
        "a seed list is taken as no seed at all",
        "test_a_seed_list_with_gaps_seeds_some_envs_and_continues_the_others",
        session=IgnoresSeedLists,
    ),
    M(
        "mask-seeds-by-rank",
        "under a reset_mask the k-th flagged env gets seed s+k, not s+i",
        "test_a_reset_mask_resets_only_the_flagged_envs",
        session=SeedsFlaggedEnvsByTheirRank,
    ),
    M(
        "autoreset-reseeds",
        "NEXT_STEP's autoreset reseeds the env with 0",
        "test_next_step_reset_observation_is_the_seeded_continuation",
        session=AutoresetReseedsFromAConstant,
    ),
    M(
        "takes-negative-seeds",
        "a negative seed is taken as its absolute value",
        "test_negative_seed_is_invalid_argument",
        session=TakesNegativeSeeds,
    ),
    M(
        "pads-seed-lists",
        "a short seed list is padded with unseeded entries",
        "test_a_seed_list_of_the_wrong_length_is_invalid_argument",
        session=PadsShortSeedLists,
    ),
    M(
        "pads-reset-masks",
        "a short reset_mask is padded with False",
        "test_a_reset_mask_of_the_wrong_length_is_invalid_argument",
        session=PadsShortResetMasks,
    ),
    # Reset and step
    M(
        "step-resets-first",
        "a step before any reset resets the env instead of refusing",
        "test_step_before_reset_is_failed_precondition",
        session=StepResetsANeverResetEnv,
    ),
    M(
        "narrower-observation-space",
        "observations fall outside the declared space",
        "test_reset_observation_is_batched_over_the_envs_and_in_the_space",
        registry=wrapping(NarrowerObservationSpace),
    ),
    M(
        "one-reset-info",
        "a reset of 3 envs answers 1 info",
        "test_reset_infos_are_one_per_env_or_none",
        session=OneResetInfoForAllEnvs,
    ),
    M(
        "one-reward",
        "a step answers one reward for all envs",
        "test_step_returns_one_reward_and_two_flags_per_env",
        session=OneRewardForAllEnvs,
    ),
    M(
        "casts-action-dtype",
        "an action of another dtype is cast, not refused",
        "test_an_action_of_the_wrong_dtype_is_invalid_argument",
        session=CastsActionsOfAnotherDtype,
    ),
    M(
        "repeats-short-actions",
        "an action batch for fewer envs is repeated over the envs",
        "test_an_action_for_the_wrong_number_of_envs_is_invalid_argument",
        session=RepeatsAShortActionBatch,
    ),
    M(
        "wraps-actions",
        "a Discrete action outside the space wraps around",
        "test_an_action_outside_the_action_space_is_invalid_argument",
        session=WrapsDiscreteActions,
    ),
    M(
        "refused-step-steps-some",
        "a refused step has already stepped the envs before the bad one",
        "test_a_refused_step_leaves_the_session_usable",
        session=StepsEnvsBeforeCheckingEveryAction,
    ),
    M(
        "unknown-option-taken",
        "an unknown reset option is passed on, not refused",
        "test_an_unknown_reset_option_is_invalid_argument",
        session=TakesUnknownResetOptions,
    ),
    # Handshake and ListEnvs
    M(
        "old-revision",
        "GetServerInfo reports protocol revision 1",
        "test_server_info_names_the_protocol_and_its_revision",
        service=OldProtocolRevision,
    ),
    M(
        "no-reset-mask-capability",
        "GetServerInfo leaves out the reset_mask capability",
        "test_server_info_lists_the_capabilities_this_kit_exercises",
        service=NoResetMaskCapability,
    ),
    M(
        "not-serving",
        "the health check answers NOT_SERVING",
        "test_health_check_says_serving",
        server=NotServingHealth,
    ),
    M(
        "unsorted-list-envs",
        "ListEnvs lists the envs in reverse order",
        "test_list_envs_is_sorted_and_holds_the_env_under_test",
        service=UnsortedListEnvs,
    ),
    M(
        "listed-space-unlike-made",
        "ListEnvs declares another action space than Make",
        "test_listed_spec_has_the_spaces_make_reports",
        service=ListedSpaceUnlikeMade,
    ),
    M(
        "undecodable-listed-space",
        "ListEnvs lists a Box without a dtype",
        "test_every_listed_space_decodes_to_a_gymnasium_space",
        service=ListsAnUndecodableSpace,
    ),
    M(
        "box-bounds-of-another-shape",
        "a Box's low bound has one element for four",
        "test_box_bounds_are_full_shape_or_a_scalar",
        service=BoxBoundsOfAnotherShape,
    ),
    # Make
    M(
        "refuses-zero-envs",
        "num_envs=0 is refused instead of meaning 1",
        "test_num_envs_zero_means_one",
        service=RefusesZeroEnvs,
    ),
    M(
        "reports-unspecified-mode",
        "an unspecified autoreset mode is reported as UNSPECIFIED",
        "test_unspecified_autoreset_mode_is_reported_as_next_step",
        service=ReportsTheRequestedMode,
    ),
    M(
        "reports-another-mode",
        "Make reports another autoreset mode than the one chosen",
        "test_the_chosen_autoreset_mode_is_the_one_in_force[1]",
        "test_the_chosen_autoreset_mode_is_the_one_in_force[2]",
        "test_the_chosen_autoreset_mode_is_the_one_in_force[3]",
        service=ReportsAnotherMode,
    ),
    M(
        "reuses-session-ids",
        "a session's id is its env id, so a second session replaces the first",
        "test_session_ids_are_distinct",
        service=ReusesSessionIds,
    ),
    M(
        "spec-without-override",
        "the spec shows the registered max_episode_steps, not the client's",
        "test_max_episode_steps_override_is_in_the_spec",
        service=SpecWithoutTheOverride,
    ),
    M(
        "not-found-without-ids",
        "an unknown env id is NOT_FOUND without the ids the server makes",
        "test_unknown_env_id_is_not_found_and_lists_known_ids",
        registry=NotFoundWithoutTheKnownIds,
    ),
    M(
        "ignores-unknown-kwargs",
        "an unknown make kwarg is dropped, not refused",
        "test_unknown_kwarg_is_invalid_argument",
        service=IgnoresUnknownKwargs,
    ),
    M(
        "zero-max-steps-unset",
        "max_episode_steps=0 is taken as no override",
        "test_non_positive_max_episode_steps_is_invalid_argument",
        service=ZeroMaxEpisodeStepsMeansNone,
    ),
    M(
        "ignores-unknown-render-mode",
        "an unknown render_mode is dropped, not refused",
        "test_unknown_render_mode_is_invalid_argument",
        service=IgnoresUnknownRenderModes,
    ),
    M(
        "over-limit-invalid-argument",
        "num_envs over the limit is INVALID_ARGUMENT",
        "test_num_envs_over_the_limit_is_resource_exhausted",
        service=OverTheLimitIsInvalidArgument,
    ),
    M(
        "render-invalid-argument",
        "Render without rgb_array mode is INVALID_ARGUMENT",
        "test_render_without_rgb_array_mode_is_failed_precondition",
        service=RenderWithoutModeIsInvalidArgument,
    ),
    # Close and the stream
    M(
        "close-keeps-session",
        "Close answers OK and keeps the session open",
        "test_a_closed_session_is_not_found",
        service=CloseKeepsTheSession,
    ),
    M(
        "close-twice-ok",
        "closing an unknown or closed session answers OK",
        "test_closing_twice_is_not_found",
        service=ClosingAnUnknownSessionIsOk,
    ),
    M(
        "unknown-session-invalid",
        "an unknown session id is INVALID_ARGUMENT, not NOT_FOUND",
        "test_an_unknown_session_is_not_found",
        service=UnknownSessionIsInvalidArgument,
    ),
    M(
        "stream-errors-end-it",
        "a failed request ends the stream instead of answering in-band",
        "test_the_stream_answers_in_order_with_in_band_errors",
        service=StreamErrorsEndTheStream,
    ),
    M(
        "stream-sessions-outlive-it",
        "sessions made on a stream stay open after it ends",
        "test_a_stream_runs_make_reset_step_close_and_its_sessions_end_with_it",
        service=StreamSessionsOutliveTheStream,
    ),
]
