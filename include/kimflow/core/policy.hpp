/// @file
/// kimflow::Policy: which roles may do what, on which instances. An engine with a policy
/// (EngineOptions::policy) checks every fire, creation, read and erasure against it; what it
/// refuses throws NotPermitted, changes nothing and is logged as a denial.
///
/// A policy is a list of rules that allow; what no rule allows is refused. A rule names a
/// lifecycle, a role, actions (event ids, or `create`, `read`, `erase`, `purge`, `audit`) and a scope:
/// any instance, only instances the actor's organisation owns (a case of their Träger, a paper
/// of their Fraktion), or only instances their organisation oversees (the cases of their Kreis).
/// kimflow::default_policy() (default_policy.hpp) is the table in the README, made of the rules
/// each built-in lifecycle ships; a host builds its own with allow() or reads one from text with
/// Policy::parse().
#pragma once

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/error.hpp"
#include "kimflow/core/text.hpp"

namespace kimflow {

/// Actions that are not events.
namespace action {
/// Create an instance without an opening event (with one, the event is the action).
inline constexpr std::string_view create = "create";
/// See an instance, its history, or find it in a list or a report.
inline constexpr std::string_view read = "read";
/// Erase an instance's personal data early (DSGVO art. 17).
inline constexpr std::string_view erase = "erase";
/// Erase the personal data of every instance past its retention period.
inline constexpr std::string_view purge = "purge";
/// Read the audit trail: the denials logged about an instance (scope as for any action; the
/// denials about no instance, such as refused lists, and database-wide figures such as a chain
/// check need scope `any`). Implied neither by `read` nor by the action `*`: who may see a case
/// may not see who else tried to.
inline constexpr std::string_view audit = "audit";
}  // namespace action

/// Which instances a rule reaches.
enum class Scope {
    any,       ///< every instance of the lifecycle
    owner,     ///< instances whose owner (StoreKeys::owner) is the actor's organisation
    overseer,  ///< instances whose overseer (StoreKeys::overseer) is the actor's organisation
};

/// The scope's name in policy text: `any`, `owner`, `overseer`.
constexpr std::string_view scope_name(Scope s)
{
    return s == Scope::any ? "any" : s == Scope::owner ? "owner" : "overseer";
}

/// What an access is about: the instance and the facts a scope looks at.
struct AccessTarget {
    /// The lifecycle's id.
    std::string_view lifecycle;
    /// The instance id (empty for a list or a purge).
    std::string_view instance{};
    /// The organisation it belongs to (a Träger, an originator), as organization_key() writes it.
    std::string_view owner{};
    /// The organisation over its owner (a Kreis), as organization_key() writes it.
    std::string_view overseer{};
};

/// One thing a policy allows.
struct PolicyRule {
    /// The lifecycle's id, or `*` for every lifecycle.
    std::string lifecycle;
    /// The actor's role, or `*` for every role.
    std::string role;
    /// Event ids and `create`, `read`, `erase`, `purge`, `audit`; `*` for every action but
    /// `audit`, which a rule names itself (a Träger's "everything" on its cases is not the
    /// right to see who else was refused on them).
    std::vector<std::string> actions;
    /// Which instances the rule reaches.
    Scope scope = Scope::owner;

    /// Whether the rule speaks of @p what by @p actor_role on @p lifecycle_id (its scope aside).
    bool covers(std::string_view lifecycle_id, std::string_view actor_role, std::string_view what) const
    {
        if (lifecycle != "*" && lifecycle != lifecycle_id) return false;
        if (role != "*" && role != actor_role) return false;
        return std::any_of(actions.begin(), actions.end(),
                           [&](const std::string& a) { return a == what || (a == "*" && what != action::audit); });
    }
};

/// A permission policy: the rules that allow; everything else is refused.
class Policy {
public:
    /// A policy that allows nothing yet.
    Policy() = default;
    /// A policy of @p rules.
    explicit Policy(std::vector<PolicyRule> rules) : rules_(std::move(rules)) {}

    /// Adds a rule; returns *this, so that rules chain.
    Policy& allow(std::string lifecycle, std::string role, std::vector<std::string> actions, Scope scope)
    {
        rules_.push_back({std::move(lifecycle), std::move(role), std::move(actions), scope});
        return *this;
    }

    /// Its rules, in the order added.
    const std::vector<PolicyRule>& rules() const noexcept { return rules_; }

    /// Why @p actor may not do @p what to @p target, in a sentence that says what would be
    /// allowed in terms of roles, actions and scopes; none when a rule allows it. It never names
    /// the target's owner or overseer: it is shown to the actor, who may not know whose it is.
    /// An actor without an id is always refused.
    std::optional<std::string> refusal(const Actor& actor, std::string_view what, const AccessTarget& target) const
    {
        if (actor.id.empty()) return std::string("an actor without an id may do nothing; say who acts");
        for (const auto& rule : rules_)
            if (rule.covers(target.lifecycle, actor.role, what) && reaches(rule.scope, actor, target))
                return std::nullopt;
        // Built only for a refusal: a permitted action (every fire on a checked engine) allocates nothing.
        const std::string who = "'" + actor.id + "' (role '" + actor.role + "' of '" + actor.organization + "')";
        std::string subject = std::string(target.lifecycle) +
                              (target.instance.empty() ? std::string("s") : " '" + std::string(target.instance) + "'");
        std::string allowed;
        for (const auto& rule : rules_) {
            if (!rule.covers(target.lifecycle, actor.role, what)) continue;
            allowed += (allowed.empty() ? "" : "; ") + std::string("only on ") +
                       (rule.scope == Scope::owner ? "instances their organisation owns"
                                                   : "instances their organisation oversees");
        }
        return who + " may not " + std::string(what) + " " + subject +
               (allowed.empty() ? ": no rule of the policy allows role '" + actor.role + "' to " + std::string(what) +
                                      "; act in a role that may, or ask for the policy to be changed"
                                : ": the policy allows role '" + actor.role + "' to " + std::string(what) + " " +
                                      allowed +
                                      (target.instance.empty() ? ", not on all of them at once"
                                                               : ", and this one is not among them"));
    }

    /// Whether @p actor may do @p what to @p target.
    bool permits(const Actor& actor, std::string_view what, const AccessTarget& target) const
    {
        return !refusal(actor, what, target);
    }

    /// The scopes under which @p actor may do @p what on some instance of @p lifecycle (empty:
    /// on none), so that a list can be asked of the store already restricted.
    std::vector<Scope> scopes(const Actor& actor, std::string_view lifecycle, std::string_view what) const
    {
        std::vector<Scope> out;
        if (actor.id.empty()) return out;
        for (const auto& rule : rules_)
            if (rule.covers(lifecycle, actor.role, what) && std::find(out.begin(), out.end(), rule.scope) == out.end())
                out.push_back(rule.scope);
        return out;
    }

    /// Reads a policy from text, one rule a line:
    /// `allow LIFECYCLE ROLE ACTION[,ACTION…] any|owner|overseer`; `#` starts a comment.
    /// @throws InvalidData naming the line that is wrong and what it should look like
    static Policy parse(std::string_view text)
    {
        Policy p;
        std::istringstream in{std::string(text)};
        std::string line;
        for (int number = 1; std::getline(in, line); ++number) {
            if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
            std::istringstream words(line);
            std::vector<std::string> w;
            for (std::string word; words >> word;) w.push_back(word);
            if (w.empty()) continue;
            const auto bad = [&](const std::string& why) {
                return InvalidData("policy line " + std::to_string(number) + ": " + why +
                                   "; write 'allow LIFECYCLE ROLE ACTION[,ACTION...] any|owner|overseer'");
            };
            if (w.size() != 5 || w[0] != "allow") throw bad("'" + line + "' is not a rule");
            std::optional<Scope> scope;
            for (Scope s : {Scope::any, Scope::owner, Scope::overseer})
                if (w[4] == scope_name(s)) scope = s;
            if (!scope) throw bad("'" + w[4] + "' is not a scope");
            std::vector<std::string> actions;
            std::istringstream list(w[3]);
            for (std::string a; std::getline(list, a, ',');)
                if (!a.empty()) actions.push_back(a);
            if (actions.empty()) throw bad("no actions");
            p.allow(w[1], w[2], std::move(actions), *scope);
        }
        return p;
    }

    /// The policy as text that parse() reads back.
    std::string text() const
    {
        std::string out;
        for (const auto& r : rules_) {
            std::string actions;
            for (const auto& a : r.actions) actions += (actions.empty() ? "" : ",") + a;
            out += "allow " + r.lifecycle + " " + r.role + " " + actions + " " + std::string(scope_name(r.scope)) + "\n";
        }
        return out;
    }

private:
    static bool reaches(Scope scope, const Actor& actor, const AccessTarget& target)
    {
        switch (scope) {
        case Scope::any: return true;
        case Scope::owner: return !target.owner.empty() && organization_key(actor.organization) == target.owner;
        case Scope::overseer:
            return !target.overseer.empty() && organization_key(actor.organization) == target.overseer;
        }
        return false;
    }

    std::vector<PolicyRule> rules_;
};

}  // namespace kimflow
