// kimctl's commands about the audit trail: verify (the file, the hash chains, the signed
// checkpoints, a witness file, and every log against its instance), audit heads (the latest
// signed checkpoint for a witness) and admin key init (a signing key).
#include "audit_commands.hpp"

#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <map>

#include <kimflow/audit/signing.hpp>
#include <kimflow/core/verify.hpp>

#include "commands.hpp"

namespace kimctl {

using namespace kimflow;

namespace {

/// Where and how a hash chain breaks, in a sentence (a finding names the instance).
std::string chain_break_text(const ChainBreak& b)
{
    if (b.log == "checkpoint") return "signed checkpoint " + std::to_string(b.position) + ": " + b.problem;
    if (b.log == "witness") return "witness file line " + std::to_string(b.position) + ": " + b.problem;
    std::string where = b.log + " log entry " + std::to_string(b.position);
    if (b.log == "transition") where += " (version " + std::to_string(b.version) + ")";
    return "hash chain broken at " + where + ": " + b.problem;
}

nlohmann::json chain_json(const ChainCheck& chain)
{
    nlohmann::json j{{"ok", chain.ok()},
                     {"transitions", chain.transitions},
                     {"denials", chain.denials},
                     {"creations", chain.creations},
                     {"erased", chain.erased},
                     {"checkpoints", chain.checkpoints},
                     {"witnessed", chain.witnessed},
                     {"rows_checked", chain.rows_checked},
                     {"transition_head", chain.transition_head},
                     {"denial_head", chain.denial_head},
                     {"creation_head", chain.creation_head},
                     {"first_break", nullptr}};
    if (const auto& b = chain.first_break)
        j["first_break"] = {{"log", b->log},           {"position", b->position}, {"lifecycle", b->lifecycle},
                            {"instance", b->instance}, {"version", b->version},   {"problem", b->problem}};
    return j;
}

}  // namespace

int verify(Context& ctx, const VerifyArgs& args)
{
    // The files first: a key or witness file that cannot be read changes nothing and says so.
    std::vector<audit::PublicKey> keys;
    if (!args.public_key.empty()) keys = audit::read_public_keys(args.public_key);
    std::vector<Checkpoint> witnessed;
    if (!args.witness.empty()) witnessed = audit::read_witness(args.witness);

    // Database-wide figures and every instance's problems: the audit's (the policy's `audit`
    // action with scope `any`); a refusal is logged.
    ctx.cases().check_audit(ctx.actor());
    SqliteStore& store = ctx.store();
    std::vector<VerifyFinding> findings;
    for (auto& line : store.integrity_check()) findings.push_back({"", "", "SQLite: " + line});
    // The hash chains first: an entry edited by hand is named where the chain breaks.
    const ChainCheck chain = store.verify_chain(witnessed);
    if (const auto& b = chain.first_break) findings.push_back({b->lifecycle, b->instance, chain_break_text(*b)});
    for (const auto& r : chain.rows)
        findings.push_back({r.lifecycle, r.id,
                            "column " + r.column +
                                " differs from the row its last log entry chained: it was changed outside kimflow"});
    const std::vector<Checkpoint> checkpoints = store.checkpoints();
    std::vector<std::string> signature_problems;
    if (!keys.empty()) audit::check_signatures(checkpoints, witnessed, chain, keys, signature_problems);
    for (auto& p : signature_problems) findings.push_back({"", "", "signatures: " + p});
    std::map<std::string, std::size_t> checked{{"paper", verify_instances<paper::PaperLifecycle>(store, findings)},
                                              {"case", verify_instances<kim::CaseLifecycle>(store, findings)},
                                              {"resolution", verify_instances<resolution::ResolutionLifecycle>(store, findings)}};
    std::vector<std::pair<std::string, std::uint64_t>> unknown;
    for (const auto& entry : store.lifecycles())
        if (!checked.count(entry.first)) unknown.push_back(entry);

    if (ctx.json()) {
        nlohmann::json problems = nlohmann::json::array();
        for (const auto& f : findings) problems.push_back({{"lifecycle", f.lifecycle}, {"id", f.id}, {"problem", f.problem}});
        nlohmann::json not_checked = nlohmann::json::object();
        for (const auto& [name, n] : unknown) not_checked[name] = n;
        nlohmann::json signatures = nullptr;
        if (!keys.empty())
            signatures = {{"ok", signature_problems.empty()},
                          {"checkpoints", checkpoints.size()},
                          {"last_key_id", checkpoints.empty() ? "" : checkpoints.back().key_id}};
        ctx.print({{"database", store.path()},
                   {"ok", findings.empty()},
                   {"checked", checked},
                   {"not_checked", not_checked},
                   {"chain", chain_json(chain)},
                   {"signatures", signatures},
                   {"problems", problems}});
    } else {
        std::cout << store.path() << ": checked " << checked["paper"] << " papers, " << checked["case"] << " cases and "
                  << checked["resolution"] << " resolutions against their logs and lifecycles\n";
        std::cout << "  hash chains: checked " << chain.transitions << " transitions (" << chain.erased
                  << " with personal data erased), " << chain.denials << (chain.denials == 1 ? " denial" : " denials")
                  << " and " << chain.creations << " creations" << (chain.first_break ? ": broken, see below" : ": unbroken")
                  << '\n';
        std::cout << "  rows: " << chain.rows_checked << " compared with the row their log chained"
                  << (chain.rows.empty() ? "" : ", some differ: see below") << '\n';
        std::cout << "  transition head " << chain.transition_head << '\n';
        std::cout << "  denial head     " << chain.denial_head << '\n';
        std::cout << "  creation head   " << chain.creation_head << '\n';
        if (keys.empty())
            std::cout << "  signatures: " << checkpoints.size()
                      << " checkpoints kept, not checked (give --public-key FILE to check them)\n";
        else
            std::cout << "  signatures: " << checkpoints.size() << " checkpoints"
                      << (signature_problems.empty() ? ", every one valid, and they cover every entry" : ": see below")
                      << '\n';
        if (!witnessed.empty())
            std::cout << "  witness: " << chain.witnessed << " of " << witnessed.size() << " witnessed heads found\n";
        for (const auto& [name, n] : unknown)
            std::cout << "  " << n << " instances of lifecycle '" << name
                      << "' belong to another program and were not checked\n";
        if (findings.empty()) std::cout << "no problems found\n";
        for (const auto& f : findings)
            std::cout << "  problem: " << (f.id.empty() ? "" : f.lifecycle + " " + f.id + ": ") << f.problem << '\n';
    }
    if (findings.empty()) return Exit::ok;
    std::cerr << "kimctl: " << store.path() << " has " << findings.size()
              << " problem(s); restore it from a backup, or keep it for inspection before changing anything\n";
    return Exit::storage;
}

void audit_heads(Context& ctx, bool all)
{
    ctx.cases().check_audit(ctx.actor());
    const std::vector<Checkpoint> checkpoints = ctx.store().checkpoints();
    if (checkpoints.empty())
        throw UsageError("'" + ctx.store().path() +
                         "' has no signed checkpoint yet; set up a signing key with kimctl admin key init");
    // One JSON object per line: a witness appends each day's line to its file (verify --witness).
    if (all)
        for (const auto& c : checkpoints) std::cout << audit::checkpoint_to_json(c) << '\n';
    else
        std::cout << audit::checkpoint_to_json(checkpoints.back()) << '\n';
}

/// Signs the heads of the database as they stand with @p key, once verify_chain() finds nothing:
/// the logs' present content is what the signature vouches for from now on.
void sign_verified_heads(const std::string& db, const std::shared_ptr<const CheckpointSigner>& key)
{
    SqliteOptions options;
    options.signer = key;
    SqliteStore store(db, options);
    const ChainCheck chain = store.verify_chain();
    if (!chain.ok())
        throw StoreCorrupt("'" + db + "' does not verify (" +
                               (chain.first_break ? chain.first_break->log + " " +
                                                        std::to_string(chain.first_break->position) + ": " +
                                                        chain.first_break->problem
                                                  : "a row differs from what its log chained") +
                               "); its heads are not signed. Run kimctl verify and restore a backup",
                           0);
    store.sign_heads();
}

void audit_sign(Context& ctx)
{
    if (ctx.options().signing_key.empty())
        throw UsageError("give the signing key: kimctl --signing-key FILE audit sign (or $KIMFLOW_SIGNING_KEY)");
    ctx.cases().check_audit(ctx.actor());
    const auto key = std::make_shared<const audit::SigningKey>(audit::SigningKey::load(ctx.options().signing_key));
    const std::string db = ctx.store().path();
    sign_verified_heads(db, key);
    if (ctx.json()) return ctx.print({{"signed", db}, {"key_id", key->key_id()}});
    std::cout << "Prüfpunkt für " << db << " mit Schlüssel " << key->key_id() << " signiert\n";
}

void key_init(Context& ctx, const std::string& key_path, const std::string& public_path)
{
    const audit::SigningKey key = audit::SigningKey::generate();
    key.save(key_path);
    // Appended, not replaced: the keys of checkpoints signed before a rotation stay checkable.
    std::ofstream out(public_path, std::ios::app);
    if (!(out << key.public_key().line() << '\n'))
        throw ToolError("the signing key is in '" + key_path + "', but its public key could not be written to '" +
                        public_path + "'; write it there yourself: " + key.public_key().line());
    out.close();
    // A database that exists gets a first checkpoint with the new key at once: what its logs hold
    // now is signed from this moment on.
    struct stat info {};
    const bool database = ::stat(ctx.options().db.c_str(), &info) == 0;
    if (database) sign_verified_heads(ctx.options().db, std::make_shared<const audit::SigningKey>(key));
    if (ctx.json())
        return ctx.print({{"key_id", key.key_id()},
                          {"signing_key", key_path},
                          {"public_key", public_path},
                          {"signed", database ? ctx.options().db : ""}});
    std::cout << "Schlüssel " << key.key_id() << " angelegt: geheim in " << key_path << " (Modus 600: nur für seinen Eigentümer lesbar), "
              << "öffentlich in " << public_path << '\n';
    if (database) std::cout << "Prüfpunkt für " << ctx.options().db << " mit diesem Schlüssel signiert\n";
}

void add_audit_commands(CLI::App& app, const std::function<void(std::function<int(Context&)>)>& choose)
{
    auto verify_args = std::make_shared<VerifyArgs>();
    auto* verify_cmd = app.add_subcommand(
        "verify", "Check the database end to end: the file, the hash chains of the audit trail, its signed "
                  "checkpoints, and every log against its instance");
    verify_cmd->add_option("--public-key", verify_args->public_key,
                           "Check every checkpoint's signature with the keys in FILE (kimctl admin key init wrote it)");
    verify_cmd->add_option("--witness", verify_args->witness,
                           "Also check that the logs still hold the heads kept in FILE (kimctl audit heads >> FILE)");
    verify_cmd->callback([verify_args, choose] {
        choose([verify_args](Context& ctx) { return verify(ctx, *verify_args); });
    });

    auto all = std::make_shared<bool>(false);
    auto* audit_cmd = app.add_subcommand("audit", "The audit trail's signed heads, for a witness to keep");
    audit_cmd->require_subcommand(1);
    auto* heads = audit_cmd->add_subcommand(
        "heads", "Print the latest signed checkpoint as one JSON line; a witness appends it to its file");
    heads->add_flag("--all", *all, "Every checkpoint, oldest first");
    heads->callback([all, choose] { choose([all](Context& ctx) { return audit_heads(ctx, *all), 0; }); });
    audit_cmd
        ->add_subcommand("sign", "Sign the logs' heads as they stand, with --signing-key, once verify finds nothing: "
                                 "a file written without a key, or after a rotation")
        ->callback([choose] { choose([](Context& ctx) { return audit_sign(ctx), 0; }); });

    auto paths = std::make_shared<std::pair<std::string, std::string>>();
    CLI::App* admin = app.get_subcommand("admin");
    auto* key = admin->add_subcommand("key", "The key that signs the audit trail's checkpoints");
    key->require_subcommand(1);
    auto* init = key->add_subcommand("init", "Make a new signing key (also to rotate one): the secret into a new file "
                                             "readable only by you, the public key appended to the public file; "
                                             "signs the database's present heads with it");
    init->add_option("--key", paths->first, "The new signing key file (never overwritten)")->required();
    init->add_option("--public-key", paths->second, "The public key file the key is appended to")->required();
    init->callback([paths, choose] {
        choose([paths](Context& ctx) { return key_init(ctx, paths->first, paths->second), 0; });
    });
}

}  // namespace kimctl
