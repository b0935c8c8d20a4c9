using System.Text.Encodings.Web;
using System.Text.Json;

namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>What a finished generation found: action-level actions and services seen only at service level.</summary>
public sealed record GenerationFindings(IReadOnlyCollection<string> Actions, IReadOnlyCollection<string> ServiceLevelServices)
{
    /// <summary>True when every used service was analysed at action level.</summary>
    public bool IsComplete => ServiceLevelServices.Count == 0;
}

/// <summary>One statement of a generated policy; a single Resource string, as Access Analyzer writes it.</summary>
public sealed record GeneratedStatement(string Sid, IReadOnlyList<string> Actions, string Resource);

/// <summary>
/// Writes generated policies the way GetGeneratedPolicy returns them: compact JSON, Version
/// 2012-10-17, Sids SupportedServiceSid0.., sorted actions, a lone action as a string, split into
/// several documents past the size limit.
/// </summary>
public static class GeneratedPolicyBuilder
{
    public const string SupportedSidPrefix = "SupportedServiceSid";

    /// <summary>
    /// Sid of the service-level template statement. AWS's exact shape is not published; this
    /// stand-in writes one statement granting <c>service:*</c> for every service seen only through
    /// last-accessed data, so a reader can tell it apart by its wildcard actions and by this Sid.
    /// </summary>
    public const string ServiceLevelSid = "ServiceLevelTemplateSid0";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keep ${Region} and friends readable, as AWS does.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The policy documents for <paramref name="findings"/>.</summary>
    public static IReadOnlyList<string> Build(
        GenerationFindings findings,
        bool includeResourcePlaceholders,
        bool includeServiceLevelTemplate,
        int maxCharacters = 6144,
        string partition = "aws")
    {
        var statements = Statements(findings, includeResourcePlaceholders, partition);
        var pieces = new List<(IReadOnlyList<string> Actions, string Resource)>();
        foreach (var (actions, resource) in statements)
        {
            pieces.AddRange(SplitToFit(actions, resource, maxCharacters));
        }

        var numbered = pieces.Select((p, i) => new GeneratedStatement(SupportedSidPrefix + i, p.Actions, p.Resource)).ToList();
        if (includeServiceLevelTemplate && findings.ServiceLevelServices.Count > 0)
        {
            var wildcards = findings.ServiceLevelServices.Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal).Select(s => s + ":*").ToArray();
            numbered.Add(new GeneratedStatement(ServiceLevelSid, wildcards, "*"));
        }

        return Pack(numbered, maxCharacters);
    }

    /// <summary>Compact JSON of a policy holding <paramref name="statements"/>.</summary>
    public static string Serialize(IEnumerable<GeneratedStatement> statements)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("Version", "2012-10-17");
            writer.WriteStartArray("Statement");
            foreach (var statement in statements)
            {
                writer.WriteStartObject();
                writer.WriteString("Sid", statement.Sid);
                writer.WriteString("Effect", "Allow");
                if (statement.Actions.Count == 1)
                {
                    writer.WriteString("Action", statement.Actions[0]);
                }
                else
                {
                    writer.WriteStartArray("Action");
                    foreach (var action in statement.Actions)
                    {
                        writer.WriteStringValue(action);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteString("Resource", statement.Resource);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static List<(IReadOnlyList<string> Actions, string Resource)> Statements(
        GenerationFindings findings, bool includeResourcePlaceholders, string partition)
    {
        var actions = findings.Actions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var result = new List<(IReadOnlyList<string>, string)>();
        if (actions.Length == 0)
        {
            return result;
        }

        if (!includeResourcePlaceholders)
        {
            result.Add((actions, "*"));
            return result;
        }

        // Sid0 holds what has no resource-level support; then one statement per ARN template, an
        // action appearing once for each resource type it acts on (ec2:RunInstances six times).
        var starOnly = new List<string>();
        var byTemplate = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var action in actions)
        {
            var templates = ResourceTemplates.For(action, partition);
            if (templates.Count == 0)
            {
                starOnly.Add(action);
                continue;
            }

            foreach (var template in templates)
            {
                if (!byTemplate.TryGetValue(template, out var list))
                {
                    byTemplate[template] = list = [];
                }

                list.Add(action);
            }
        }

        if (starOnly.Count > 0)
        {
            result.Add((starOnly, "*"));
        }

        foreach (var (template, list) in byTemplate
                     .OrderBy(kv => kv.Value.Min(StringComparer.Ordinal)![..kv.Value.Min(StringComparer.Ordinal)!.IndexOf(':', StringComparison.Ordinal)], StringComparer.Ordinal)
                     .ThenBy(kv => ResourceTemplates.OrderOf(kv.Key, partition)))
        {
            result.Add((list, template));
        }

        return result;
    }

    // A statement too large for one document on its own is cut into halves until each fits.
    private static IEnumerable<(IReadOnlyList<string> Actions, string Resource)> SplitToFit(
        IReadOnlyList<string> actions, string resource, int maxCharacters)
    {
        var probe = Serialize([new GeneratedStatement(SupportedSidPrefix + "99999", actions, resource)]);
        if (probe.Length <= maxCharacters || actions.Count == 1)
        {
            yield return (actions, resource);
            yield break;
        }

        var half = actions.Count / 2;
        foreach (var piece in SplitToFit(actions.Take(half).ToArray(), resource, maxCharacters))
        {
            yield return piece;
        }

        foreach (var piece in SplitToFit(actions.Skip(half).ToArray(), resource, maxCharacters))
        {
            yield return piece;
        }
    }

    private static IReadOnlyList<string> Pack(List<GeneratedStatement> statements, int maxCharacters)
    {
        var documents = new List<string>();
        var current = new List<GeneratedStatement>();
        foreach (var statement in statements)
        {
            current.Add(statement);
            if (current.Count > 1 && Serialize(current).Length > maxCharacters)
            {
                current.RemoveAt(current.Count - 1);
                documents.Add(Serialize(current));
                current = [statement];
            }
        }

        if (current.Count > 0)
        {
            documents.Add(Serialize(current));
        }

        return documents;
    }
}
