using System.Reflection;
using LeastPriv.Core;
using LeastPriv.Core.Policy;

namespace LeastPriv;

/// <summary>
/// A policy given to a cmdlet in any of the forms a user has at hand: a generated policy
/// (LeastPriv.LPGeneratedPolicy), a <see cref="PolicyDocument"/>, IAM policy JSON text, or a
/// JSON file (a FileInfo from Get-ChildItem, or a path). PowerShell converts an argument through
/// the constructors, so one parameter type takes every form, from the pipeline or by name.
/// </summary>
public sealed class LPPolicyInput
{
    private readonly PolicyDocument? _document;
    private readonly string? _json;

    /// <summary>JSON text (starting with <c>{</c>) or the path of a JSON file.</summary>
    public LPPolicyInput(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        if (value.TrimStart().StartsWith("{", StringComparison.Ordinal))
        {
            _json = value;
            Label = "json";
        }
        else
        {
            Path = value;
            Label = System.IO.Path.GetFileName(value);
        }
    }

    public LPPolicyInput(FileInfo file)
    {
        Path = (file ?? throw new ArgumentNullException(nameof(file))).FullName;
        Label = file.Name;
    }

    /// <summary>A policy from ConvertTo-LPPolicy, Get-LPGeneratedPolicy or Merge-LPPolicy; labelled by its Source.</summary>
    public LPPolicyInput(LPGeneratedPolicy policy)
    {
        Generated = policy ?? throw new ArgumentNullException(nameof(policy));
        _document = policy.PolicyDocument;
        Label = string.IsNullOrWhiteSpace(policy.Source) ? "generated" : policy.Source;
    }

    public LPPolicyInput(PolicyDocument document)
    {
        _document = document ?? throw new ArgumentNullException(nameof(document));
        Label = "policy";
    }

    /// <summary>
    /// Any other object: a generated policy (any object with a <c>PolicyDocument</c> property of
    /// the model type, labelled by its <c>Label</c> or <c>Source</c>), or one of the forms above.
    /// </summary>
    public LPPolicyInput(object value)
    {
        var unwrapped = Unwrap(value ?? throw new ArgumentNullException(nameof(value)));
        switch (unwrapped)
        {
            case LPGeneratedPolicy generatedPolicy:
                var fromGenerated = new LPPolicyInput(generatedPolicy);
                Generated = generatedPolicy;
                _document = fromGenerated._document;
                Label = fromGenerated.Label;
                return;
            case LPPolicyInput other:
                Generated = other.Generated;
                _document = other._document;
                _json = other._json;
                Path = other.Path;
                Label = other.Label;
                return;
            case PolicyDocument document:
                _document = document;
                Label = "policy";
                return;
            case FileInfo file:
                Path = file.FullName;
                Label = file.Name;
                return;
            case string text:
                var fromText = new LPPolicyInput(text);
                _json = fromText._json;
                Path = fromText.Path;
                Label = fromText.Label;
                return;
        }

        var type = unwrapped.GetType();
        if (type.GetProperty("PolicyDocument", BindingFlags.Public | BindingFlags.Instance)?.GetValue(unwrapped) is PolicyDocument generated)
        {
            _document = generated;
            Label = ReadText(unwrapped, "Label") ?? ReadText(unwrapped, "Source") ?? type.Name;
            return;
        }

        throw new LeastPrivException(
            "PolicyInputUnsupported",
            LPErrorCategory.InvalidArgument,
            $"A {type.FullName} is not a policy: give a generated policy, a policy document, policy JSON text, or a JSON file.",
            unwrapped);
    }

    /// <summary>The generated policy this input came from, when it is one (its evidence is carried into a merge).</summary>
    public LPGeneratedPolicy? Generated { get; }

    /// <summary>The file the policy is read from, as given (resolve it with the caller's current location).</summary>
    public string? Path { get; }

    /// <summary>What the input is called in provenance and messages: the file name, the generated policy's label or source, "json" or "policy".</summary>
    public string Label { get; }

    /// <summary>
    /// The policy as a model. <paramref name="resolvePath"/> turns a relative path into a full one
    /// (a cmdlet passes PowerShell's current location); file and JSON errors name the file.
    /// </summary>
    public PolicyDocument Resolve(Func<string, string>? resolvePath = null)
    {
        if (_document is not null)
        {
            return _document;
        }

        if (_json is not null)
        {
            return PolicyDocument.Parse(_json);
        }

        var full = resolvePath is null ? System.IO.Path.GetFullPath(Path!) : resolvePath(Path!);
        if (Directory.Exists(full))
        {
            throw new LeastPrivException("PolicyPathIsDirectory", LPErrorCategory.InvalidArgument, $"'{full}' is a folder, not a policy file.", full)
            {
                RecommendedAction = "Give the policy JSON file, or pipe the files: Get-ChildItem ./policies/*.json | Merge-LPPolicy.",
            };
        }

        if (!File.Exists(full))
        {
            throw new LeastPrivException("PolicyFileNotFound", LPErrorCategory.ObjectNotFound, $"The policy file '{full}' does not exist.", full);
        }

        var text = ReadPolicyFile(full);

        try
        {
            return PolicyDocument.Parse(text);
        }
        catch (LeastPrivException ex)
        {
            throw new LeastPrivException(ex.ErrorId, ex.Category, $"{full}: {ex.Message}", new FileInfo(full), ex)
            {
                RecommendedAction = ex.RecommendedAction,
            };
        }
    }

    public override string ToString() => Path ?? Label;

    /// <summary>
    /// Largest policy file read: far above IAM's largest policy (10,240 characters for a role's
    /// inline policies, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)
    /// and a generated policy before it is split, so a log or a dump given by mistake is refused
    /// instead of being loaded whole.
    /// </summary>
    public const long MaxPolicyFileBytes = 4L * 1024 * 1024;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string ReadPolicyFile(string full)
    {
        try
        {
            var length = new FileInfo(full).Length;
            if (length == 0)
            {
                throw new LeastPrivException("PolicyFileEmpty", LPErrorCategory.InvalidData, $"The policy file '{full}' is empty.", new FileInfo(full));
            }

            if (length > MaxPolicyFileBytes)
            {
                throw new LeastPrivException(
                    "PolicyFileTooLarge",
                    LPErrorCategory.LimitsExceeded,
                    $"The policy file '{full}' is {length:N0} bytes; a policy file is read up to {MaxPolicyFileBytes:N0} bytes (IAM's largest policy is 10,240 characters).",
                    new FileInfo(full))
                {
                    RecommendedAction = "Check that the file is a policy; split a very large policy with Export-LPPolicy.",
                };
            }

            var bytes = File.ReadAllBytes(full);
            try
            {
                // A byte order mark is allowed; anything not UTF-8 is refused rather than replaced with U+FFFD.
                var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
                return StrictUtf8.GetString(bytes, start, bytes.Length - start);
            }
            catch (System.Text.DecoderFallbackException ex)
            {
                throw new LeastPrivException(
                    "PolicyFileEncodingInvalid",
                    LPErrorCategory.InvalidData,
                    $"The policy file '{full}' is not UTF-8 text; IAM policies are UTF-8 JSON.",
                    new FileInfo(full),
                    ex)
                {
                    RecommendedAction = "Save the file as UTF-8.",
                };
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LeastPrivException("PolicyFileUnreadable", LPErrorCategory.ReadError, $"Cannot read '{full}': {ex.Message}", full, ex);
        }
    }

    private static object Unwrap(object value)
    {
        // A PSObject (PowerShell's wrapper) exposes the wrapped object as BaseObject; the engine
        // has no PowerShell reference, so it is read by name.
        var current = value;
        for (var depth = 0; depth < 4 && current.GetType().FullName == "System.Management.Automation.PSObject"; depth++)
        {
            var inner = current.GetType().GetProperty("BaseObject")?.GetValue(current);
            if (inner is null || ReferenceEquals(inner, current))
            {
                break;
            }

            current = inner;
        }

        return current;
    }

    private static string? ReadText(object value, string property)
    {
        var text = value.GetType().GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.GetValue(value) as string;
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }
}
