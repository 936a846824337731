#include "app/store_for_pass.hpp"

#include <Poco/Logger.h>

#include <ostream>

namespace mpa {

std::unique_ptr<ComplianceStore> openStoreForPass(CommandEnv& env, const char* command) {
    const auto& path = env.context.settings.database;
    Status opened;
    auto store = ComplianceStore::open(path, StoreMode::ReadWrite, *env.context.catalog, &opened);
    if (store) return store;
    store = ComplianceStore::open(path, StoreMode::ReadOnly, *env.context.catalog, nullptr);
    if (!store) {
        env.err << command << ": cannot use the compliance database: " << opened.error << "\n";
        return nullptr;
    }
    const auto message = std::string("the compliance database cannot be written (") + opened.error +
                         "); enforcing anyway, and queueing what this pass records";
    Poco::Logger::get(command).warning(message);
    env.err << command << ": " << message << "\n";
    return store;
}

PassLock lockForPass(CommandEnv& env, const char* command) {
    auto lock = acquirePassLock(env.context.settings.database, kPassLockWait, [&](long pid) {
        env.err << command << ": waiting for the pass in progress"
                << (pid > 0 ? " (process " + std::to_string(pid) + ")" : std::string()) << "\n";
    });
    if (!lock.lock) env.err << command << ": " << lock.error << "\n";
    return lock;
}

}  // namespace mpa
