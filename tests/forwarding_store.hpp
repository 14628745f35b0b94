// A Store that passes every call on to another: the base of the tests' store wrappers, which
// override only the calls they watch, hold or refuse.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <kimflow/store/store.hpp>

class ForwardingStore : public kimflow::Store {
public:
    explicit ForwardingStore(std::shared_ptr<kimflow::Store> inner) : inner_(std::move(inner)) {}

    std::optional<kimflow::StoredInstance> load(std::string_view l, std::string_view id) override { return inner_->load(l, id); }
    std::optional<std::uint64_t> version(std::string_view l, std::string_view id) override { return inner_->version(l, id); }
    void insert(const kimflow::StoredInstance& in) override { inner_->insert(in); }
    void append(const kimflow::StoredInstance& a, const kimflow::StoredTransition& t) override { inner_->append(a, t); }
    void append(kimflow::StoredInstance&& a, kimflow::StoredTransition&& t) override
    {
        inner_->append(std::move(a), std::move(t));
    }
    std::vector<kimflow::StoredTransition> history(std::string_view l, std::string_view id) override
    {
        return inner_->history(l, id);
    }
    std::vector<std::string> find(const kimflow::InstanceQuery& q) override { return inner_->find(q); }
    std::uint64_t count(std::string_view l) override { return inner_->count(l); }
    std::optional<std::uint64_t> change_counter() override { return inner_->change_counter(); }
    void log_denial(const kimflow::StoredDenial& d) override { inner_->log_denial(d); }
    std::vector<kimflow::StoredDenial> denials(std::string_view l, std::string_view id) override
    {
        return inner_->denials(l, id);
    }
    void erase(const kimflow::StoredInstance& e, const std::vector<kimflow::ErasedEntry>& entries,
               const kimflow::StoredTransition& r) override
    {
        inner_->erase(e, entries, r);
    }
    void scrub() override { inner_->scrub(); }
    using kimflow::Store::verify_chain;
    kimflow::ChainCheck verify_chain(const std::vector<kimflow::Checkpoint>& w) override { return inner_->verify_chain(w); }
    std::vector<kimflow::Checkpoint> checkpoints() override { return inner_->checkpoints(); }
    std::optional<std::string> setting(std::string_view k) override { return inner_->setting(k); }
    void put_setting(std::string_view k, std::string_view v) override { inner_->put_setting(k, v); }
    std::vector<std::pair<std::string, std::string>> settings(std::string_view prefix) override
    {
        return inner_->settings(prefix);
    }
    void erase_setting(std::string_view k) override { inner_->erase_setting(k); }
    std::vector<kimflow::LoggedTransition> log_after(std::uint64_t seq, std::size_t limit) override
    {
        return inner_->log_after(seq, limit);
    }
    void set_timer(std::string_view l, std::string_view id, std::uint64_t v, std::optional<kimflow::Timestamp> at) override
    {
        inner_->set_timer(l, id, v, at);
    }
    void reset_timers(std::string_view l) override { inner_->reset_timers(l); }
    void begin() override { inner_->begin(); }
    void commit() override { inner_->commit(); }
    void rollback() override { inner_->rollback(); }

protected:
    kimflow::Store& inner() { return *inner_; }

private:
    std::shared_ptr<kimflow::Store> inner_;
};
