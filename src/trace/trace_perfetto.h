#pragma once
// A trace as a Perfetto trace: protobuf TracePackets with TrackEvents (ui.perfetto.dev and trace_processor open it),
// written by our own small encoder. Lanes become tracks (a process's threads and loops under it, task lanes under
// their loop, cores and GIL lanes as named tracks), spans become slices named by their state (and task), instants
// become instant events, every drop request gets a flow arrow to the hand-off it caused, and a "cores busy" counter
// track counts the busy cores. Simulated and real traces export the same way. Field numbers are those of Perfetto's
// protos/perfetto/trace/trace_packet.proto and track_event/*.proto.
#include <string>

#include "trace/trace.h"

namespace interleave::trace {

std::string ToPerfetto(const Trace& trace);

}  // namespace interleave::trace
