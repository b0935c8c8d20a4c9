using LeastPriv.Emulator.AccessAnalyzer;
using Xunit;

namespace LeastPriv.Emulator.Tests.AccessAnalyzer;

public sealed class EventActionMapTests
{
    [Theory]
    [InlineData("iam.amazonaws.com", "CreateUser", "iam:CreateUser")]
    [InlineData("s3.amazonaws.com", "HeadObject", "s3:GetObject")]
    [InlineData("s3.amazonaws.com", "HeadBucket", "s3:ListBucket")]
    [InlineData("s3.amazonaws.com", "ListObjects", "s3:ListBucket")]
    [InlineData("s3.amazonaws.com", "ListObjectsV2", "s3:ListBucket")]
    [InlineData("s3.amazonaws.com", "ListBuckets", "s3:ListAllMyBuckets")]
    [InlineData("s3.amazonaws.com", "DeleteBucketCors", "s3:PutBucketCORS")]
    [InlineData("s3.amazonaws.com", "CreateBucket", "s3:CreateBucket")]
    [InlineData("monitoring.amazonaws.com", "DescribeAlarms", "cloudwatch:DescribeAlarms")]
    [InlineData("streams.dynamodb.amazonaws.com", "DescribeStream", "dynamodb:DescribeStream")]
    [InlineData("tagging.amazonaws.com", "GetResources", "tag:GetResources")]
    [InlineData("lambda.amazonaws.com", "ListFunctions20150331", "lambda:ListFunctions")]
    [InlineData("lambda.amazonaws.com", "GetFunction20150331v2", "lambda:GetFunction")]
    [InlineData("lambda.amazonaws.com", "Invoke", "lambda:InvokeFunction")]
    [InlineData("sts.amazonaws.com", "GetCallerIdentity", "sts:GetCallerIdentity")]
    [InlineData("access-analyzer.amazonaws.com", "StartPolicyGeneration", "access-analyzer:StartPolicyGeneration")]
    public void ActionsFor_KnownEvent_MapsToItsAction(string eventSource, string eventName, string action)
    {
        Assert.Equal([action], EventActionMap.ActionsFor(eventSource, eventName));
    }

    [Theory]
    [InlineData("s3.amazonaws.com", "CopyObject", "s3:GetObject s3:PutObject")]
    [InlineData("kms.amazonaws.com", "ReEncrypt", "kms:ReEncryptFrom kms:ReEncryptTo")]
    public void ActionsFor_EventNeedingSeveralActions_ListsThemAll(string eventSource, string eventName, string actions)
    {
        Assert.Equal(actions.Split(' '), EventActionMap.ActionsFor(eventSource, eventName));
    }

    [Theory]
    [InlineData("signin.amazonaws.com", "ConsoleLogin")]
    [InlineData("", "CreateUser")]
    [InlineData("iam.amazonaws.com", "")]
    public void ActionsFor_NoActionBehindTheEvent_IsEmpty(string eventSource, string eventName)
    {
        Assert.Empty(EventActionMap.ActionsFor(eventSource, eventName));
    }
}
