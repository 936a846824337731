#pragma once
// Gives freed heap back to the operating system. The service calls it after each pass: a pass
// over many profiles briefly holds a finding per profile, and an allocator that keeps the freed
// pages would leave an idle service as large as its largest pass.
namespace mpa::platform {

void releaseFreedMemory();

}  // namespace mpa::platform
