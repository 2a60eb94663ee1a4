package dev.kubetape.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnknownFieldSet;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta.LabelSelector;
import io.kubernetes.client.proto.Meta.MicroTime;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Meta.Time;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime.RawExtension;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProtobufBodiesTest {
  /** A protobuf body and the JSON the Go round trip (protobuf, k8s.io/api v0.34, JSON) gives. */
  record Body(String name, String base64, String json) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Bodies kubectl 1.33 sent to a throwaway HTTPS listener, with the JSON that client-go v0.34
   * decoded them to (protobuf serializer, then the JSON serializer).
   */
  static Stream<Body> kubectlBodies() {
    return Stream.of(
        new Body("kubectl create configmap c --from-literal=a=b",
            "azhzAAoPCgJ2MRIJQ29uZmlnTWFwEhsKEQoBYxIAGgAiACoAMgA4AEIAEgYKAWESAWIaACIA",
            "{'kind':'ConfigMap','apiVersion':'v1','metadata':{'name':'c'},'data':{'a':'b'}}"),
        new Body("kubectl create deployment web --image=nginx --replicas=3",
            "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EqsBCh8KA3dlYhIAGgAiACoAMgA4AEIAWgoKA2FwcBID"
            + "d2ViEnoIAxIMCgoKA2FwcBIDd2ViGmAKHAoAEgAaACIAKgAyADgAQgBaCgoDYXBwEgN3ZWISQBIiCgVu"
            + "Z2lueBIFbmdpbngqAEIAagByAIABAIgBAJABAKIBABoAMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAi"
            + "AgoAKAA4ABoMCAAQABgAIAAoADgAGgAiAA==",
            "{'kind':'Deployment','apiVersion':'apps/v1','metadata':{'name':'web','labels':{'"
            + "app':'web'}},'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'}},'temp"
            + "late':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'nginx'"
            + ",'image':'nginx','resources':{}}]}},'strategy':{}},'status':{}}"),
        new Body("kubectl create secret generic s --from-literal=p=x",
            "azhzAAoMCgJ2MRIGU2VjcmV0Eh0KEQoBcxIAGgAiACoAMgA4AEIAEgYKAXASAXgaABoAIgA=",
            "{'kind':'Secret','apiVersion':'v1','metadata':{'name':'s'},'data':{'p':'eA=='}}"),
        new Body("kubectl create namespace n",
            "azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhkKEQoBbhIAGgAiACoAMgA4AEIAEgAaAgoAGgAiAA==",
            "{'kind':'Namespace','apiVersion':'v1','metadata':{'name':'n'},'spec':{},'status'"
            + ":{}}"),
        new Body("kubectl create serviceaccount sa",
            "azhzAAoUCgJ2MRIOU2VydmljZUFjY291bnQSFAoSCgJzYRIAGgAiACoAMgA4AEIAGgAiAA==",
            "{'kind':'ServiceAccount','apiVersion':'v1','metadata':{'name':'sa'}}"),
        new Body("kubectl create service clusterip svc --tcp=5678:8080",
            "azhzAAoNCgJ2MRIHU2VydmljZRJsCh8KA3N2YxIAGgAiACoAMgA4AEIAWgoKA2FwcBIDc3ZjEkUKHgoJ"
            + "NTY3OC04MDgwEgNUQ1AYriwiBwgAEJA/GgAoABIKCgNhcHASA3N2YxoAIglDbHVzdGVySVA6AEIAUgBa"
            + "AGAAaAAaAgoAGgAiAA==",
            "{'kind':'Service','apiVersion':'v1','metadata':{'name':'svc','labels':{'app':'sv"
            + "c'}},'spec':{'ports':[{'name':'5678-8080','protocol':'TCP','port':5678,'targetPo"
            + "rt':8080}],'selector':{'app':'svc'},'type':'ClusterIP'},'status':{'loadBalancer'"
            + ":{}}}"),
        new Body("kubectl create service nodeport np --tcp=80:http --node-port=30080",
            "azhzAAoNCgJ2MRIHU2VydmljZRJqCh0KAm5wEgAaACIAKgAyADgAQgBaCQoDYXBwEgJucBJFCiAKBzgw"
            + "LWh0dHASA1RDUBhQIgoIARAAGgRodHRwKIDrARIJCgNhcHASAm5wGgAiCE5vZGVQb3J0OgBCAFIAWgBg"
            + "AGgAGgIKABoAIgA=",
            "{'kind':'Service','apiVersion':'v1','metadata':{'name':'np','labels':{'app':'np'"
            + "}},'spec':{'ports':[{'name':'80-http','protocol':'TCP','port':80,'targetPort':'h"
            + "ttp','nodePort':30080}],'selector':{'app':'np'},'type':'NodePort'},'status':{'lo"
            + "adBalancer':{}}}"),
        new Body("kubectl auth can-i create pods",
            "azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSPwoQ"
            + "CgASABoAIgAqADIAOABCABIhCh8KB2RlZmF1bHQSBmNyZWF0ZRoAIgAqBHBvZHMyADoAGggIABIAGgAg"
            + "ABoAIgA=",
            "{'kind':'SelfSubjectAccessReview','apiVersion':'authorization.k8s.io/v1','metada"
            + "ta':{},'spec':{'resourceAttributes':{'namespace':'default','verb':'create','reso"
            + "urce':'pods'}},'status':{'allowed':false}}"),
        new Body("kubectl auth can-i get /healthz",
            "azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSLwoQ"
            + "CgASABoAIgAqADIAOABCABIREg8KCC9oZWFsdGh6EgNnZXQaCAgAEgAaACAAGgAiAA==",
            "{'kind':'SelfSubjectAccessReview','apiVersion':'authorization.k8s.io/v1','metada"
            + "ta':{},'spec':{'nonResourceAttributes':{'path':'/healthz','verb':'get'}},'status"
            + "':{'allowed':false}}"),
        new Body("kubectl auth can-i list deployments.apps -n kube-system --subresource=scale",
            "azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSUgoQ"
            + "CgASABoAIgAqADIAOABCABI0CjIKC2t1YmUtc3lzdGVtEgRsaXN0GgAiACoQZGVwbG95bWVudHMuYXBw"
            + "czIFc2NhbGU6ABoICAASABoAIAAaACIA",
            "{'kind':'SelfSubjectAccessReview','apiVersion':'authorization.k8s.io/v1','metada"
            + "ta':{},'spec':{'resourceAttributes':{'namespace':'kube-system','verb':'list','re"
            + "source':'deployments.apps','subresource':'scale'}},'status':{'allowed':false}}"),
        new Body("kubectl auth whoami",
            "azhzAAotChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESEVNlbGZTdWJqZWN0UmV2aWV3EhoKEAoAEgAa"
            + "ACIAKgAyADgAQgASBgoECgASABoAIgA=",
            "{'kind':'SelfSubjectReview','apiVersion':'authentication.k8s.io/v1','metadata':{"
            + "},'status':{'userInfo':{}}}"),
        new Body("kubectl create token sa",
            "azhzAAooChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESDFRva2VuUmVxdWVzdBIaChAKABIAGgAiACoA"
            + "MgA4AEIAEgAaBAoAEgAaACIA",
            "{'kind':'TokenRequest','apiVersion':'authentication.k8s.io/v1','metadata':{},'sp"
            + "ec':{'audiences':null,'expirationSeconds':null,'boundObjectRef':null},'status':{"
            + "'token':'','expirationTimestamp':null}}"),
        new Body("kubectl create quota q --hard=cpu=1,memory=1G,pods=2",
            "azhzAAoTCgJ2MRINUmVzb3VyY2VRdW90YRJAChEKAXESABoAIgAqADIAOABCABIpCgoKA2NwdRIDCgEx"
            + "Cg4KBm1lbW9yeRIECgIxRwoLCgRwb2RzEgMKATIaABoAIgA=",
            "{'kind':'ResourceQuota','apiVersion':'v1','metadata':{'name':'q'},'spec':{'hard'"
            + ":{'cpu':'1','memory':'1G','pods':'2'}},'status':{}}"),
        new Body("kubectl create configmap e",
            "azhzAAoPCgJ2MRIJQ29uZmlnTWFwEhMKEQoBZRIAGgAiACoAMgA4AEIAGgAiAA==",
            "{'kind':'ConfigMap','apiVersion':'v1','metadata':{'name':'e'}}"),
        new Body("kubectl create secret docker-registry d --docker-server=r.io --docker-username=u"
            + " --docker-password=p",
            "azhzAAoMCgJ2MRIGU2VjcmV0EooBChEKAWQSABoAIgAqADIAOABCABJVChEuZG9ja2VyY29uZmlnanNv"
            + "bhJAeyJhdXRocyI6eyJyLmlvIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgiOiJk"
            + "VHB3In19fRoea3ViZXJuZXRlcy5pby9kb2NrZXJjb25maWdqc29uGgAiAA==",
            "{'kind':'Secret','apiVersion':'v1','metadata':{'name':'d'},'data':{'.dockerconfi"
            + "gjson':'eyJhdXRocyI6eyJyLmlvIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgi"
            + "OiJkVHB3In19fQ=='},'type':'kubernetes.io/dockerconfigjson'}"),
        new Body("kubectl create deployment zero --image=registry.k8s.io/pause:3.9 --replicas=0"
            + " --port=8080 -- sleep 1",
            "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EtwBCiEKBHplcm8SABoAIgAqADIAOABCAFoLCgNhcHAS"
            + "BHplcm8SqAEIABINCgsKA2FwcBIEemVybxqMAQodCgASABoAIgAqADIAOABCAFoLCgNhcHASBHplcm8S"
            + "axJNCgVwYXVzZRIZcmVnaXN0cnkuazhzLmlvL3BhdXNlOjMuORoFc2xlZXAaATEqADILCgAQABiQPyIA"
            + "KgBCAGoAcgCAAQCIAQCQAQCiAQAaADIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEAIgIKACgAOAAaDAgA"
            + "EAAYACAAKAA4ABoAIgA=",
            "{'kind':'Deployment','apiVersion':'apps/v1','metadata':{'name':'zero','labels':{"
            + "'app':'zero'}},'spec':{'replicas':0,'selector':{'matchLabels':{'app':'zero'}},'t"
            + "emplate':{'metadata':{'labels':{'app':'zero'}},'spec':{'containers':[{'name':'pa"
            + "use','image':'registry.k8s.io/pause:3.9','command':['sleep','1'],'ports':[{'cont"
            + "ainerPort':8080}],'resources':{}}]}},'strategy':{}},'status':{}}"));
  }

  /**
   * Objects encoded by client-go v0.34's protobuf serializer, chosen for the Go rendering rules
   * kubectl create never exercises (times, inline structs, pointers, embedded JSON, fields newer
   * than client-java-proto), with the JSON the Go round trip gives.
   */
  static Stream<Body> goBodies() {
    return Stream.of(
        new Body("selfsubjectreview",
            "azhzAAotChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESEVNlbGZTdWJqZWN0UmV2aWV3EjsKEAoAEgAa"
            + "ACIAKgAyADgAQgASJwolCgJtZRIAGgFnIggKBG5vbmUSACIQCgZzY29wZXMSBgoBYQoBYhoAIgA=",
            "{'kind':'SelfSubjectReview','apiVersion':'authentication.k8s.io/v1','metadata':{"
            + "},'status':{'userInfo':{'username':'me','groups':['g'],'extra':{'none':[],'scope"
            + "s':['a','b']}}}}"),
        new Body("scale",
            "azhzAAoXCg5hdXRvc2NhbGluZy92MRIFU2NhbGUSJgoaCgN3ZWISABoHZGVmYXVsdCIAKgAyADgAQgAS"
            + "AggAGgQIABIAGgAiAA==",
            "{'kind':'Scale','apiVersion':'autoscaling/v1','metadata':{'name':'web','namespac"
            + "e':'default'},'spec':{},'status':{'replicas':0}}"),
        new Body("node",
            "azhzAAoKCgJ2MRIETm9kZRJqChIKAm4xEgAaACIAKgAyADgAQgASJQoAEgAaACABKhsKAWsSABoKTm9T"
            + "Y2hlZHVsZSIICKX6zawGEAAaLQoNCgRwb2RzEgUKAzExMBoAMgQKAggAOhQKABIAGgAiACoAMgA6AEIA"
            + "SgBSABoAIgA=",
            "{'kind':'Node','apiVersion':'v1','metadata':{'name':'n1'},'spec':{'unschedulable"
            + "':true,'taints':[{'key':'k','effect':'NoSchedule','timeAdded':'2024-01-02T03:04:"
            + "05Z'}]},'status':{'capacity':{'pods':'110'},'daemonEndpoints':{'kubeletEndpoint'"
            + ":{'Port':0}},'nodeInfo':{'machineID':'','systemUUID':'','bootID':'','kernelVersi"
            + "on':'','osImage':'','containerRuntimeVersion':'','kubeletVersion':'','kubeProxyV"
            + "ersion':'','operatingSystem':'','architecture':''}}}"),
        new Body("service",
            "azhzAAoNCgJ2MRIHU2VydmljZRJcChMKA3N2YxIAGgAiACoAMgA4AEIAEkEKEAoAEgAYUCIGCAAQABoA"
            + "KAAaACIAOghDbGllbnRJUEIAUgBaAGAAaAByBAoCCACKAQtTaW5nbGVTdGFja6ABABoCCgAaACIA",
            "{'kind':'Service','apiVersion':'v1','metadata':{'name':'svc'},'spec':{'ports':[{"
            + "'port':80,'targetPort':0}],'sessionAffinity':'ClientIP','sessionAffinityConfig':"
            + "{'clientIP':{'timeoutSeconds':0}},'ipFamilyPolicy':'SingleStack','allocateLoadBa"
            + "lancerNodePorts':false},'status':{'loadBalancer':{}}}"),
        new Body("secret-empty-value",
            "azhzAAoMCgJ2MRIGU2VjcmV0EisKEQoBcxIAGgAiACoAMgA4AEIAEgkKBWVtcHR5EgASBwoBehICAP8a"
            + "ACgAGgAiAA==",
            "{'kind':'Secret','apiVersion':'v1','metadata':{'name':'s'},'immutable':false,'da"
            + "ta':{'empty':'','z':'AP8='}}"),
        new Body("pod",
            "azhzAAoJCgJ2MRIDUG9kEsQGCtgBCgV3ZWItMBIAGgdkZWZhdWx0IgAqADIAOABCAEoICKX6zawGEABQ"
            + "AFoKCgNhcHASA3dlYmIJCgRub3RlEgF4aiQKClJlcGxpY2FTZXQaA3dlYiIEMTIzNCoHYXBwcy92MTAB"
            + "OAByEGV4YW1wbGUuY29tL2tlZXCKAV4KB2t1YmVjdGwSBlVwZGF0ZRoCdjEiCAil+s2sBhAAMghGaWVs"
            + "ZHNWMToxCi97ImY6bWV0YWRhdGEiOnsiZjpsYWJlbHMiOnsiLiI6e30sImY6YXBwIjp7fX19fUIAEvkD"
            + "Ch4KA2NmZxIXmgEUCgMKAWMSCgoBYRIFYS50eHQYkAIKFgoHc2NyYXRjaBILEgkKABIFCgMxR2kKHAoF"
            + "dG9rZW4SE9IBEAoOIgwKABCQHBoFdG9rZW4SoAIKA3dlYhIFbmdpbngqADIRCgRodHRwEAAYUCIDVENQ"
            + "KgA6CgoFUExBSU4SAXY6CQoFRU1QVFkSADoYCgZTRUNSRVQSABoMIgoKAwoBcxIBcBgAOh4KBUZJRUxE"
            + "EgAaEwoRCgASDW1ldGFkYXRhLm5hbWVCMQoNCgNjcHUSBgoENTAwbQoRCgZtZW1vcnkSBwoFMTI4TWkS"
            + "DQoDY3B1EgYKBDI1MG1KFQoDY2ZnEAEaCC9ldGMvY2ZnIgAyAFIjChUSEwoBLxIKCAEQABoEaHR0cBoA"
            + "IgAQABgAIAAoADAAOABaGQoNGgsKBwgAEJA/GgASABAAGAAgBSgAMABqAHIAegYQACAAKACAAQGIAQCQ"
            + "AQCaAQkKABIFCgMKAWOiAQAaACAAMgBCAEoAUgBYAGAAaACCAQCKAQCaAQCoAQCyARoKAWsSBkV4aXN0"
            + "cxoAIglOb0V4ZWN1dGUoAMIBAMgBANIBCxoJCgVuZG90cxIA8AEAkgIrCiQKBWRlYnVnEgdidXN5Ym94"
            + "KgBCAGoAcgCAAQCIAQCQAQGiAQASA3dlYhprCgdSdW5uaW5nEh8KBVJlYWR5EgRUcnVlGgAiCAil+s2s"
            + "BhAAKgAyADgAGgAiACoAMgA6CAil+s2sBhAAQiQKA3dlYhIMEgoKCAil+s2sBhAAGgAgACgAMgVuZ2lu"
            + "eDoAQgBKAFoAcgCIAQAaACIA",
            "{'kind':'Pod','apiVersion':'v1','metadata':{'name':'web-0','namespace':'default'"
            + ",'deletionTimestamp':'2024-01-02T03:04:05Z','deletionGracePeriodSeconds':0,'labe"
            + "ls':{'app':'web'},'annotations':{'note':'x'},'ownerReferences':[{'apiVersion':'a"
            + "pps/v1','kind':'ReplicaSet','name':'web','uid':'1234','controller':true,'blockOw"
            + "nerDeletion':false}],'finalizers':['example.com/keep'],'managedFields':[{'manage"
            + "r':'kubectl','operation':'Update','apiVersion':'v1','time':'2024-01-02T03:04:05Z"
            + "','fieldsType':'FieldsV1','fieldsV1':{'f:metadata':{'f:labels':{'.':{},'f:app':{"
            + "}}}}}]},'spec':{'volumes':[{'name':'cfg','configMap':{'name':'c','items':[{'key'"
            + ":'a','path':'a.txt'}],'defaultMode':272}},{'name':'scratch','emptyDir':{'sizeLim"
            + "it':'1Gi'}},{'name':'token','projected':{'sources':[{'serviceAccountToken':{'exp"
            + "irationSeconds':3600,'path':'token'}}]}}],'containers':[{'name':'web','image':'n"
            + "ginx','ports':[{'name':'http','containerPort':80,'protocol':'TCP'}],'envFrom':[{"
            + "'configMapRef':{'name':'c'}}],'env':[{'name':'PLAIN','value':'v'},{'name':'EMPTY"
            + "'},{'name':'SECRET','valueFrom':{'secretKeyRef':{'name':'s','key':'p','optional'"
            + ":false}}},{'name':'FIELD','valueFrom':{'fieldRef':{'fieldPath':'metadata.name'}}"
            + "}],'resources':{'limits':{'cpu':'500m','memory':'128Mi'},'requests':{'cpu':'250m"
            + "'}},'volumeMounts':[{'name':'cfg','readOnly':true,'mountPath':'/etc/cfg'}],'live"
            + "nessProbe':{'httpGet':{'path':'/','port':'http'},'terminationGracePeriodSeconds'"
            + ":0},'readinessProbe':{'tcpSocket':{'port':8080},'periodSeconds':5},'securityCont"
            + "ext':{'privileged':false,'runAsUser':0,'runAsNonRoot':false},'stdin':true}],'eph"
            + "emeralContainers':[{'name':'debug','image':'busybox','resources':{},'tty':true,'"
            + "targetContainerName':'web'}],'terminationGracePeriodSeconds':0,'automountService"
            + "AccountToken':false,'tolerations':[{'key':'k','operator':'Exists','effect':'NoEx"
            + "ecute','tolerationSeconds':0}],'priority':0,'dnsConfig':{'options':[{'name':'ndo"
            + "ts','value':''}]},'enableServiceLinks':false},'status':{'phase':'Running','condi"
            + "tions':[{'type':'Ready','status':'True','lastProbeTime':null,'lastTransitionTime"
            + "':'2024-01-02T03:04:05Z'}],'startTime':'2024-01-02T03:04:05Z','containerStatuses"
            + "':[{'name':'web','state':{'running':{'startedAt':'2024-01-02T03:04:05Z'}},'lastS"
            + "tate':{},'ready':false,'restartCount':0,'image':'nginx','imageID':''}]}}"),
        new Body("event",
            "azhzAAoLCgJ2MRIFRXZlbnQSiAEKHAoFd2ViLjESABoHZGVmYXVsdCIAKgAyADgAQgASHQoDUG9kEgdk"
            + "ZWZhdWx0GgV3ZWItMCIAKgAyADoAGgdTdGFydGVkIgAqBAoAEgAyCAil+s2sBhAAOgBAAEoGTm9ybWFs"
            + "UgsIpfrNrAYQgJTvOloPCAISCwil+s2sBhCAlO86YgByAHoAGgAiAA==",
            "{'kind':'Event','apiVersion':'v1','metadata':{'name':'web.1','namespace':'defaul"
            + "t'},'involvedObject':{'kind':'Pod','namespace':'default','name':'web-0'},'reason"
            + "':'Started','source':{},'firstTimestamp':'2024-01-02T03:04:05Z','lastTimestamp':"
            + "null,'type':'Normal','eventTime':'2024-01-02T03:04:05.123456Z','series':{'count'"
            + ":2,'lastObservedTime':'2024-01-02T03:04:05.123456Z'},'reportingComponent':'','re"
            + "portingInstance':''}"),
        new Body("deployment",
            "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50Es8BChMKA3dlYhIAGgAiACoAMgA4AEIAEoUBCAAaUgoQ"
            + "CgASABoAIgAqADIAOABCABI+EiAKA3dlYhIFbmdpbngqAEIAagByAIABAIgBAJABAKIBABoAMgBCAEoA"
            + "UgBYAGAAaACCAQCKAQCaAQDCAQAiJAoNUm9sbGluZ1VwZGF0ZRITCgYIABAAGgASCQgBEAAaAzI1JSgA"
            + "MAA4AEjYBBowCAAQABgAIAAoADIiCglBdmFpbGFibGUSBUZhbHNlIgAqADIAOggIpfrNrAYQADgAGgAi"
            + "AA==",
            "{'kind':'Deployment','apiVersion':'apps/v1','metadata':{'name':'web'},'spec':{'r"
            + "eplicas':0,'selector':null,'template':{'metadata':{},'spec':{'containers':[{'nam"
            + "e':'web','image':'nginx','resources':{}}]}},'strategy':{'type':'RollingUpdate','"
            + "rollingUpdate':{'maxUnavailable':0,'maxSurge':'25%'}},'revisionHistoryLimit':0,'"
            + "progressDeadlineSeconds':600},'status':{'conditions':[{'type':'Available','statu"
            + "s':'False','lastUpdateTime':null,'lastTransitionTime':'2024-01-02T03:04:05Z'}]}}"),
        new Body("tokenrequest",
            "azhzAAooChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESDFRva2VuUmVxdWVzdBJXChIKAnNhEgAaACIA"
            + "KgAyADgAQgASOwoeaHR0cHM6Ly9rdWJlcm5ldGVzLmRlZmF1bHQuc3ZjGhYKA1BvZBICdjEaBXdlYi0w"
            + "IgQxMjM0IJAcGgQKABIAGgAiAA==",
            "{'kind':'TokenRequest','apiVersion':'authentication.k8s.io/v1','metadata':{'name"
            + "':'sa'},'spec':{'audiences':['https://kubernetes.default.svc'],'expirationSecond"
            + "s':3600,'boundObjectRef':{'kind':'Pod','apiVersion':'v1','name':'web-0','uid':'1"
            + "234'}},'status':{'token':'','expirationTimestamp':null}}"),
        new Body("rulesreview",
            "azhzAAoxChdhdXRob3JpemF0aW9uLms4cy5pby92MRIWU2VsZlN1YmplY3RSdWxlc1JldmlldxIjChAK"
            + "ABIAGgAiACoAMgA4AEIAEgkKB2RlZmF1bHQaBBgAIgAaACIA",
            "{'kind':'SelfSubjectRulesReview','apiVersion':'authorization.k8s.io/v1','metadat"
            + "a':{},'spec':{'namespace':'default'},'status':{'resourceRules':null,'nonResource"
            + "Rules':null,'incomplete':false}}"),
        new Body("binding",
            "azhzAAoNCgJ2MRIHQmluZGluZxItChUKBXdlYi0wEgAaACIAKgAyADgAQgASFAoETm9kZRIAGgJuMSIA"
            + "KgAyADoAGgAiAA==",
            "{'kind':'Binding','apiVersion':'v1','metadata':{'name':'web-0'},'target':{'kind'"
            + ":'Node','name':'n1'}}"),
        new Body("revision",
            "azhzAAodCgdhcHBzL3YxEhJDb250cm9sbGVyUmV2aXNpb24SWAoVCgV3ZWItMRIAGgAiACoAMgA4AEIA"
            + "Ej0KO3sic3BlYyI6eyJ0ZW1wbGF0ZSI6eyJtZXRhZGF0YSI6eyJsYWJlbHMiOnsiYXBwIjoid2ViIn19"
            + "fX19GAAaACIA",
            "{'kind':'ControllerRevision','apiVersion':'apps/v1','metadata':{'name':'web-1'},"
            + "'data':{'spec':{'template':{'metadata':{'labels':{'app':'web'}}}}},'revision':0}"),
        new Body("deleteoptions, as a typed client's Delete sends them",
            "azhzAAoTCgJ2MRINRGVsZXRlT3B0aW9ucxICCAAaACIA",
            "{'kind':'DeleteOptions','apiVersion':'v1','gracePeriodSeconds':0}"),
        new Body("eviction",
            "azhzAAoVCglwb2xpY3kvdjESCEV2aWN0aW9uEjsKHAoFd2ViLTASABoHZGVmYXVsdCIAKgAyADgAQgAS"
            + "GwgAEgYKBDEyMzQiCkZvcmVncm91bmQqA0FsbBoAIgA=",
            "{'kind':'Eviction','apiVersion':'policy/v1','metadata':{'name':'web-0','namespac"
            + "e':'default'},'deleteOptions':{'gracePeriodSeconds':0,'preconditions':{'uid':'12"
            + "34'},'propagationPolicy':'Foreground','dryRun':['All']}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kubectlBodies")
  @DisplayName("kubectl's protobuf bodies decode to the JSON the Go round trip gives")
  void decodesWhatKubectlSends(Body body) {
    byte[] bytes = Base64.getDecoder().decode(body.base64());

    assertEquals(json(body.json()), ProtobufBodies.decode(bytes));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goBodies")
  @DisplayName("Go-encoded objects decode to the JSON the Go round trip gives")
  void decodesWhatGoEncodes(Body body) {
    byte[] bytes = Base64.getDecoder().decode(body.base64());

    assertEquals(json(body.json()), ProtobufBodies.decode(bytes));
  }

  @Test
  @DisplayName("kubectl create configmap c --from-literal=a=b: zero fields Go writes are left out")
  void configMap() {
    V1.ConfigMap configMap = V1.ConfigMap.newBuilder()
        .setMetadata(goObjectMeta("c"))
        .putData("a", "b")
        .build();

    assertEquals(json("{'kind':'ConfigMap','apiVersion':'v1','metadata':{'name':'c'},"
            + "'data':{'a':'b'}}"),
        ProtobufBodies.decode(envelope("v1", "ConfigMap", configMap)));
  }

  @Test
  @DisplayName("kubectl create deployment web --image=nginx --replicas=3: empty structs stay")
  void deployment() {
    assertEquals(json("{'kind':'Deployment','apiVersion':'apps/v1','metadata':{'name':'web',"
            + "'labels':{'app':'web'}},'spec':{'replicas':3,'selector':{'matchLabels':"
            + "{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},'spec':"
            + "{'containers':[{'name':'nginx','image':'nginx','resources':{}}]}},"
            + "'strategy':{}},'status':{}}"),
        ProtobufBodies.decode(envelope("apps/v1", "Deployment", kubectlDeployment(3))));
  }

  @Test
  @DisplayName("kubectl create deployment --replicas=0 keeps replicas: 0, as it is a pointer")
  void deploymentWithoutReplicas() {
    ObjectNode decoded = ProtobufBodies.decode(envelope("apps/v1", "Deployment",
        kubectlDeployment(0)));

    assertEquals(json("0"), decoded.at("/spec/replicas"));
    assertEquals(json("{'name':'nginx','image':'nginx','resources':{}}"),
        decoded.at("/spec/template/spec/containers/0"));
  }

  @Test
  @DisplayName("kubectl create secret generic s --from-literal=p=x: bytes become base64")
  void secret() {
    V1.Secret secret = V1.Secret.newBuilder()
        .setMetadata(goObjectMeta("s"))
        .putData("p", ByteString.copyFromUtf8("x"))
        .setType("")
        .build();

    assertEquals(json("{'kind':'Secret','apiVersion':'v1','metadata':{'name':'s'},"
            + "'data':{'p':'eA=='}}"),
        ProtobufBodies.decode(envelope("v1", "Secret", secret)));
  }

  @Test
  @DisplayName("kubectl create namespace n keeps its empty spec and status")
  void namespace() {
    V1.Namespace namespace = V1.Namespace.newBuilder()
        .setMetadata(goObjectMeta("n"))
        .setSpec(V1.NamespaceSpec.getDefaultInstance())
        .setStatus(V1.NamespaceStatus.newBuilder().setPhase(""))
        .build();

    assertEquals(json("{'kind':'Namespace','apiVersion':'v1','metadata':{'name':'n'},"
            + "'spec':{},'status':{}}"),
        ProtobufBodies.decode(envelope("v1", "Namespace", namespace)));
  }

  @Test
  @DisplayName("kubectl auth can-i create pods: allowed: false stays, it has no omitempty")
  void selfSubjectAccessReview() {
    V1Authorization.SelfSubjectAccessReview review =
        V1Authorization.SelfSubjectAccessReview.newBuilder()
            .setMetadata(goObjectMeta(""))
            .setSpec(V1Authorization.SelfSubjectAccessReviewSpec.newBuilder()
                .setResourceAttributes(V1Authorization.ResourceAttributes.newBuilder()
                    .setNamespace("default").setVerb("create").setGroup("").setVersion("")
                    .setResource("pods").setSubresource("").setName("")))
            .setStatus(V1Authorization.SubjectAccessReviewStatus.newBuilder()
                .setAllowed(false).setDenied(false).setReason("").setEvaluationError(""))
            .build();

    assertEquals(json("{'kind':'SelfSubjectAccessReview','apiVersion':'authorization.k8s.io/v1',"
            + "'metadata':{},'spec':{'resourceAttributes':{'namespace':'default',"
            + "'verb':'create','resource':'pods'}},'status':{'allowed':false}}"),
        ProtobufBodies.decode(envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview",
            review)));
  }

  @Test
  @DisplayName("kubectl auth whoami sends an empty SelfSubjectReview")
  void selfSubjectReview() {
    V1Authentication.SelfSubjectReview review = V1Authentication.SelfSubjectReview.newBuilder()
        .setMetadata(goObjectMeta(""))
        .setStatus(V1Authentication.SelfSubjectReviewStatus.newBuilder()
            .setUserInfo(V1Authentication.UserInfo.newBuilder().setUsername("").setUid("")))
        .build();

    assertEquals(json("{'kind':'SelfSubjectReview','apiVersion':'authentication.k8s.io/v1',"
            + "'metadata':{},'status':{'userInfo':{}}}"),
        ProtobufBodies.decode(envelope("authentication.k8s.io/v1", "SelfSubjectReview", review)));
  }

  @Test
  @DisplayName("times render in RFC 3339: Time in whole seconds, MicroTime with six digits")
  void times() {
    V1.Event event = V1.Event.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName("e")
            .setCreationTimestamp(Time.newBuilder().setSeconds(1704164645L)))
        .setFirstTimestamp(Time.newBuilder().setSeconds(1704164645L).setNanos(999_000_000))
        .setLastTimestamp(Time.getDefaultInstance())
        .setEventTime(MicroTime.newBuilder().setSeconds(1704164645L).setNanos(120_000_999))
        .build();

    ObjectNode decoded = ProtobufBodies.decode(envelope("v1", "Event", event));

    assertEquals(json("{'name':'e','creationTimestamp':'2024-01-02T03:04:05Z'}"),
        decoded.get("metadata"));
    assertEquals("2024-01-02T03:04:05Z", decoded.get("firstTimestamp").asText());
    assertEquals(json("null"), decoded.get("lastTimestamp"));
    assertEquals("2024-01-02T03:04:05.120000Z", decoded.get("eventTime").asText());
  }

  @Test
  @DisplayName("an empty creationTimestamp is left out, as omitzero says since 1.34")
  void zeroCreationTimestamp() {
    ObjectNode decoded = ProtobufBodies.decode(envelope("v1", "ConfigMap",
        V1.ConfigMap.newBuilder().setMetadata(goObjectMeta("c")).build()));

    assertEquals(json("{'name':'c'}"), decoded.get("metadata"));
  }

  @Test
  @DisplayName("IntOrString becomes a number or a string by its type, and zero is 0")
  void intOrString() {
    V1.Service service = V1.Service.newBuilder()
        .setMetadata(goObjectMeta("svc"))
        .setSpec(V1.ServiceSpec.newBuilder()
            .addPorts(V1.ServicePort.newBuilder().setPort(80)
                .setTargetPort(IntOrString.newBuilder().setType(0).setIntVal(8080)))
            .addPorts(V1.ServicePort.newBuilder().setPort(81)
                .setTargetPort(IntOrString.newBuilder().setType(1).setStrVal("http")))
            .addPorts(V1.ServicePort.newBuilder().setPort(82)
                .setTargetPort(IntOrString.getDefaultInstance())))
        .build();

    assertEquals(json("[{'port':80,'targetPort':8080},{'port':81,'targetPort':'http'},"
            + "{'port':82,'targetPort':0}]"),
        ProtobufBodies.decode(envelope("v1", "Service", service)).at("/spec/ports"));
  }

  @Test
  @DisplayName("quantities become their strings")
  void quantities() {
    V1.ResourceQuota quota = V1.ResourceQuota.newBuilder()
        .setMetadata(goObjectMeta("q"))
        .setSpec(V1.ResourceQuotaSpec.newBuilder()
            .putHard("cpu", Quantity.newBuilder().setString("500m").build())
            .putHard("pods", Quantity.getDefaultInstance()))
        .build();

    assertEquals(json("{'cpu':'500m','pods':'0'}"),
        ProtobufBodies.decode(envelope("v1", "ResourceQuota", quota)).at("/spec/hard"));
  }

  @Test
  @DisplayName("inline structs lend their fields to the enclosing object")
  void inlineStructs() {
    V1.Container container = V1.Container.newBuilder().setName("web").setImage("nginx")
        .addEnv(V1.EnvVar.newBuilder().setName("P").setValueFrom(V1.EnvVarSource.newBuilder()
            .setSecretKeyRef(V1.SecretKeySelector.newBuilder()
                .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("s"))
                .setKey("p"))))
        .setLivenessProbe(V1.Probe.newBuilder()
            .setHandler(V1.ProbeHandler.newBuilder()
                .setExec(V1.ExecAction.newBuilder().addCommand("true")))
            .setPeriodSeconds(5))
        .build();
    V1.Pod pod = V1.Pod.newBuilder().setMetadata(goObjectMeta("p"))
        .setSpec(V1.PodSpec.newBuilder().addContainers(container)).build();

    assertEquals(json("{'name':'web','image':'nginx','env':[{'name':'P','valueFrom':"
            + "{'secretKeyRef':{'name':'s','key':'p'}}}],'livenessProbe':{'exec':"
            + "{'command':['true']},'periodSeconds':5}}"),
        ProtobufBodies.decode(envelope("v1", "Pod", pod)).at("/spec/containers/0"));
  }

  @Test
  @DisplayName("a RawExtension becomes the JSON it holds")
  void rawExtension() {
    V1Apps.ControllerRevision revision = V1Apps.ControllerRevision.newBuilder()
        .setMetadata(goObjectMeta("r"))
        .setData(RawExtension.newBuilder().setRaw(ByteString.copyFromUtf8("{\"a\":[1,2]}")))
        .setRevision(2)
        .build();

    assertEquals(json("{'kind':'ControllerRevision','apiVersion':'apps/v1','metadata':"
            + "{'name':'r'},'data':{'a':[1,2]},'revision':2}"),
        ProtobufBodies.decode(envelope("apps/v1", "ControllerRevision", revision)));
  }

  @Test
  @DisplayName("Go durations print as time.Duration.String does")
  void goDurations() {
    assertEquals("0s", ProtobufBodies.goDuration(0));
    assertEquals("999ns", ProtobufBodies.goDuration(999));
    assertEquals("1.5\u00b5s", ProtobufBodies.goDuration(1_500));
    assertEquals("2ms", ProtobufBodies.goDuration(2_000_000));
    assertEquals("1.5s", ProtobufBodies.goDuration(1_500_000_000L));
    assertEquals("1m0s", ProtobufBodies.goDuration(60_000_000_000L));
    assertEquals("1h2m3.5s", ProtobufBodies.goDuration(3_723_500_000_000L));
    assertEquals("-1m30s", ProtobufBodies.goDuration(-90_000_000_000L));
  }

  @Test
  @DisplayName("an envelope without kind or version takes the endpoint's, as kube-apiserver does")
  void endpointDefaults() {
    byte[] body = envelope(Unknown.newBuilder()
        .setTypeMeta(TypeMeta.newBuilder().setApiVersion("").setKind(""))
        .setRaw(V1.ConfigMap.newBuilder().setMetadata(goObjectMeta("c")).build().toByteString())
        .build());

    assertEquals(json("{'kind':'ConfigMap','apiVersion':'v1','metadata':{'name':'c'}}"),
        ProtobufBodies.decode(body, "v1", "ConfigMap"));
  }

  @Test
  @DisplayName("a JSON body sent as protobuf is a 400 with kube-apiserver's words")
  void notProtobuf() {
    byte[] body = "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\"}".getBytes(StandardCharsets.UTF_8);

    ApiException e = assertThrows(ApiException.class,
        () -> ProtobufBodies.decode(body, "v1", "ConfigMap"));

    assertEquals(400, e.code);
    assertEquals("BadRequest", e.reason);
    assertEquals("the object provided is unrecognized (must be of type ConfigMap): provided data "
        + "does not appear to be a protobuf message, expected prefix [107 56 115 0] "
        + "({\"kind\":\"ConfigMap\",\"apiVersio ...)", e.getMessage());
  }

  @Test
  @DisplayName("the magic alone is an empty body")
  void magicAlone() {
    ApiException e = assertThrows(ApiException.class,
        () -> ProtobufBodies.decode(new byte[] {'k', '8', 's', 0}, "v1", "ConfigMap"));

    assertEquals("the object provided is unrecognized (must be of type ConfigMap): empty body "
        + "(6b387300)", e.getMessage());
  }

  @Test
  @DisplayName("a truncated object cannot be handled, as Go's unexpected EOF")
  void truncated() {
    byte[] body = envelope(Unknown.newBuilder()
        .setTypeMeta(TypeMeta.newBuilder().setApiVersion("v1").setKind("ConfigMap"))
        .setRaw(V1.ConfigMap.newBuilder().setMetadata(goObjectMeta("c")).build().toByteString()
            .substring(0, 5))
        .build());

    ApiException e = assertThrows(ApiException.class,
        () -> ProtobufBodies.decode(body, "v1", "ConfigMap"));

    assertEquals(400, e.code);
    assertEquals("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: unexpected EOF",
        e.getMessage());
  }

  @Test
  @DisplayName("a kind no scheme registers is a 400 naming kube-apiserver's scheme")
  void unregisteredKind() {
    byte[] body = envelope("v1", "Foo", V1.ConfigMap.getDefaultInstance());

    ApiException e = assertThrows(ApiException.class,
        () -> ProtobufBodies.decode(body, "v1", "ConfigMap"));

    assertEquals(400, e.code);
    assertEquals("Foo in version \"v1\" cannot be handled as a ConfigMap: no kind \"Foo\" is "
        + "registered for version \"v1\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"",
        e.getMessage());
  }

  @Test
  @DisplayName("a served kind client-java-proto has no message for is 415, as for a CRD")
  void kindWithoutMessage() {
    byte[] body = envelope("events.k8s.io/v1", "Event", V1.Event.getDefaultInstance());

    ApiException e = assertThrows(ApiException.class, () -> ProtobufBodies.decode(body));

    assertEquals(415, e.code);
    assertEquals("UnsupportedMediaType", e.reason);
    assertEquals("the body of the request was in an unknown format - accepted media types "
        + "include: application/json, application/yaml", e.getMessage());
  }

  @Test
  @DisplayName("newer fields than client-java-proto knows pass when zero and are refused if set")
  void newerFields() {
    // PodSpec field 41 is hostnameOverride (1.34), after client-java-proto was generated.
    V1.Pod zero = V1.Pod.newBuilder().setMetadata(goObjectMeta("p"))
        .setSpec(V1.PodSpec.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(41, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.EMPTY).build()).build()))
        .build();
    V1.Pod set = zero.toBuilder().setSpec(V1.PodSpec.newBuilder().setUnknownFields(
        UnknownFieldSet.newBuilder().addField(41, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(ByteString.copyFromUtf8("web")).build()).build())).build();

    assertEquals(json("{'kind':'Pod','apiVersion':'v1','metadata':{'name':'p'},"
            + "'spec':{'containers':null}}"),
        ProtobufBodies.decode(envelope("v1", "Pod", zero)));
    assertEquals(415, assertThrows(ApiException.class,
        () -> ProtobufBodies.decode(envelope("v1", "Pod", set))).code);
  }

  @Test
  @DisplayName("a known field with the wrong wire type is a 400, as Go's decoder rejects it")
  void wrongWireType() {
    V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
        .setSpec(V1Apps.DeploymentSpec.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(1, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFromUtf8("3")).build()).build()))
        .build();

    ApiException e = assertThrows(ApiException.class,
        () -> ProtobufBodies.decode(envelope("apps/v1", "Deployment", deployment)));

    assertEquals("Deployment in version \"v1\" cannot be handled as a Deployment: proto: wrong "
        + "wireType = 2 for field Replicas", e.getMessage());
  }

  /** The Deployment kubectl create deployment builds, with every field Go's Marshal writes. */
  private static V1Apps.Deployment kubectlDeployment(int replicas) {
    LabelSelector selector = LabelSelector.newBuilder().putMatchLabels("app", "web").build();
    V1.Container container = V1.Container.newBuilder()
        .setName("nginx").setImage("nginx").setWorkingDir("")
        .setResources(V1.ResourceRequirements.getDefaultInstance())
        .setTerminationMessagePath("").setTerminationMessagePolicy("").setImagePullPolicy("")
        .setStdin(false).setStdinOnce(false).setTty(false)
        .build();
    return V1Apps.Deployment.newBuilder()
        .setMetadata(goObjectMeta("web").toBuilder().putLabels("app", "web"))
        .setSpec(V1Apps.DeploymentSpec.newBuilder()
            .setReplicas(replicas)
            .setSelector(selector)
            .setTemplate(V1.PodTemplateSpec.newBuilder()
                .setMetadata(goObjectMeta("").toBuilder().putLabels("app", "web"))
                .setSpec(V1.PodSpec.newBuilder().addContainers(container)
                    .setRestartPolicy("").setDnsPolicy("").setServiceAccountName("")
                    .setHostNetwork(false).setSchedulerName("")))
            .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType(""))
            .setMinReadySeconds(0)
            .setPaused(false))
        .setStatus(V1Apps.DeploymentStatus.newBuilder().setObservedGeneration(0).setReplicas(0))
        .build();
  }

  /** ObjectMeta as Go's Marshal writes it: every non-pointer field, zero or not. */
  private static ObjectMeta goObjectMeta(String name) {
    return ObjectMeta.newBuilder()
        .setName(name).setGenerateName("").setNamespace("").setSelfLink("").setUid("")
        .setResourceVersion("").setGeneration(0)
        .setCreationTimestamp(Time.getDefaultInstance())
        .build();
  }

  private static byte[] envelope(String apiVersion, String kind, MessageLite object) {
    return envelope(Unknown.newBuilder()
        .setTypeMeta(TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        .setRaw(object.toByteString())
        .setContentEncoding("")
        .setContentType("")
        .build());
  }

  private static byte[] envelope(Unknown unknown) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {'k', '8', 's', 0});
    body.writeBytes(unknown.toByteArray());
    return body.toByteArray();
  }

  /** JSON written with single quotes, which reads better inside Java strings. */
  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text.replace('\'', '"'));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
