using LeastPriv.Core.Discovery.Capture;
using Xunit;

namespace LeastPriv.Core.Tests.Discovery.Capture;

public sealed class DeniedCallCollectorTests
{
    [Fact]
    public void FromMessages_CliAccessDenied_NamesTheAction()
    {
        var set = new DeniedCallSet();
        var unattributed = new List<string>();

        DeniedCallCollector.FromMessages(
            [
                "An error occurred (AccessDenied) when calling the ListUsers operation: User: arn:aws:iam::123456789012:user/v is not authorized to perform: iam:ListUsers",
                "An error occurred (AccessDenied) when calling the ListUsers operation: User: arn:aws:iam::123456789012:user/v is not authorized to perform: iam:ListUsers",
                "An error occurred (AccessDeniedException) when calling the GetFunction operation: User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:eu-west-1:1:function:f because no identity-based policy allows the lambda:GetFunction action",
                "An error occurred (NoSuchBucket) when calling the HeadBucket operation: Not Found",
            ],
            set,
            unattributed);

        Assert.Equal(["iam:ListUsers", "lambda:GetFunction"], set.Calls.Select(c => c.Action));
        Assert.Equal(2, set.Calls[0].Count);
        Assert.Equal("AccessDeniedException", set.Calls[1].ErrorCode);
        Assert.Empty(unattributed);
    }

    [Fact]
    public void FromMessages_DenialWithoutAction_IsUnattributed()
    {
        var set = new DeniedCallSet();
        var unattributed = new List<string>();

        DeniedCallCollector.FromMessages(["An error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied"], set, unattributed);

        Assert.Equal(0, set.Count);
        Assert.Single(unattributed);
    }
}
