// kimctl's commands about personal data and the policy: purge (erasure at the end of the
// retention period) and the log of refused actions. (Early erasure of one case is
// `case erase`, in case_commands.cpp.)
#include <algorithm>
#include <iostream>

#include <kimflow/io/json.hpp>
#include <kimflow/io/table.hpp>

#include "commands.hpp"

namespace kimctl {

using namespace kimflow;

void purge(Context& ctx)
{
    const Actor actor = ctx.actor();
    const Timestamp at = ctx.now();
    // Papers first: they are public records and keep everything, so a refusal there comes
    // before anything has changed.
    const std::vector<std::string> papers = ctx.papers().purge(at, actor);
    const std::vector<std::string> cases = ctx.cases().purge(at, actor);
    if (ctx.json())
        return ctx.print({{"at", format_timestamp(at)}, {"erased", {{"case", cases}, {"paper", papers}}}});
    std::cout << "as of " << format_timestamp(at) << ": ";
    if (cases.empty() && papers.empty()) {
        std::cout << "no case is past its retention period; nothing erased\n";
        return;
    }
    std::cout << "the personal data of " << cases.size() << (cases.size() == 1 ? " case" : " cases")
              << " past its retention period erased";
    if (!papers.empty()) std::cout << ", and of " << papers.size() << " papers";
    std::cout << '\n';
    for (const auto& id : cases) std::cout << "  erased  case " << id << '\n';
    for (const auto& id : papers) std::cout << "  erased  paper " << id << '\n';
}

void denials(Context& ctx, const DenialArgs& args)
{
    std::vector<StoredDenial> all;
    if (args.lifecycle.empty() || args.lifecycle == "paper")
        for (auto& d : ctx.papers().denials(args.id)) all.push_back(std::move(d));
    if (args.lifecycle.empty() || args.lifecycle == "case")
        for (auto& d : ctx.cases().denials(args.id)) all.push_back(std::move(d));
    if (args.lifecycle.empty() || args.lifecycle == "resolution")
        for (auto& d : ctx.resolutions().engine().denials(args.id)) all.push_back(std::move(d));
    std::stable_sort(all.begin(), all.end(), [](const StoredDenial& a, const StoredDenial& b) { return a.at < b.at; });
    if (ctx.json()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& d : all)
            j.push_back({{"lifecycle", d.lifecycle},
                         {"id", d.instance},
                         {"action", d.action},
                         {"actor", to_json(d.actor)},
                         {"at", format_timestamp(d.at)},
                         {"reason", d.reason}});
        return ctx.print(j);
    }
    if (all.empty()) {
        std::cout << "(keine Ablehnungen)\n";
        return;
    }
    Table t({"Zeit", "Typ", "Id", "Aktion", "durch", "Grund"});
    for (const auto& d : all) {
        std::string by = d.actor.id;
        if (!d.actor.role.empty() || !d.actor.organization.empty())
            by += " (" + d.actor.role + (d.actor.organization.empty() ? "" : ", " + d.actor.organization) + ")";
        t.add({format_timestamp(d.at), d.lifecycle, d.instance.empty() ? "-" : d.instance, d.action, by, d.reason});
    }
    std::cout << t.render();
}

}  // namespace kimctl
