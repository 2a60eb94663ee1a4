package catalog

// Status templates for the stages (Go templates with KWOK's and sprig's functions; the pod is
// the data). Each renders the pod's new status, applied as a strategic-merge patch on the
// status subresource: conditions merge by type, containerStatuses are replaced whole, so
// every container entry is written out in full, built with dict | toJson to keep quoting safe.
// Upper-case words (READY, EXITCODE, ...) are filled in by the generator.

// oldStatus finds a container's previous status by name ($c is the container, $root the pod).
const oldStatus = `
{{- $o := dict }}{{ range ($root.status.containerStatuses | default list) }}{{ if eq .name $c.name }}{{ $o = . }}{{ end }}{{ end }}`

const unready = `
{{- $names := list }}{{ range .spec.containers }}{{ $names = append $names .name }}{{ end }}
{{- $unready := printf "containers with unready status: [%s]" (join " " $names) }}`

const tplCreate = `{{- $now := Now }}` + unready + `
conditions:
- {{ dict "type" "PodReadyToStartContainers" "status" "True" "lastTransitionTime" $now | toJson }}
- {{ dict "type" "Initialized" "status" "True" "lastTransitionTime" $now | toJson }}
- {{ dict "type" "Ready" "status" "False" "reason" "ContainersNotReady" "message" $unready "lastTransitionTime" $now | toJson }}
- {{ dict "type" "ContainersReady" "status" "False" "reason" "ContainersNotReady" "message" $unready "lastTransitionTime" $now | toJson }}
{{- with .spec.initContainers }}
initContainerStatuses:
{{- range . }}
- {{ dict "name" .name "image" .image "ready" true "restartCount" 0 "started" false "state" (dict "terminated" (dict "exitCode" 0 "reason" "Completed" "startedAt" $now "finishedAt" $now)) | toJson }}
{{- end }}
{{- end }}
containerStatuses:
{{- range .spec.containers }}
- {{ dict "name" .name "image" .image "ready" false "restartCount" 0 "started" false "state" (dict "waiting" (dict "reason" "ContainerCreating")) | toJson }}
{{- end }}
hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
podIP: {{ PodIPWith .spec.nodeName (or .spec.hostNetwork false) (or .metadata.uid "") (or .metadata.name "") (or .metadata.namespace "") | Quote }}
phase: Pending
startTime: {{ $now | Quote }}
`

// tplPullFailed needs $known and $prefixes (see knownLists) before it.
const tplPullFailed = `{{- $root := . }}
containerStatuses:
{{- range $c := .spec.containers }}
{{- $missing := not (has $c.image $known) }}{{ range $prefixes }}{{ if hasPrefix . $c.image }}{{ $missing = false }}{{ end }}{{ end }}
{{- if $missing }}
{{- $msg := printf "rpc error: code = NotFound desc = failed to pull and unpack image %q: failed to resolve reference %q: %s: not found" $c.image $c.image $c.image }}
- {{ dict "name" $c.name "image" $c.image "ready" false "restartCount" 0 "started" false "state" (dict "waiting" (dict "reason" "ErrImagePull" "message" $msg)) | toJson }}
{{- else }}
- {{ dict "name" $c.name "image" $c.image "ready" false "restartCount" 0 "started" false "state" (dict "waiting" (dict "reason" "ContainerCreating")) | toJson }}
{{- end }}
{{- end }}
`

const tplPullBackOff = `{{- $root := . }}
containerStatuses:
{{- range $c := .spec.containers }}` + oldStatus + `
{{- if eq (dig "state" "waiting" "reason" "" $o) "ErrImagePull" }}
{{- $msg := printf "Back-off pulling image %q: ErrImagePull: %s" $c.image (dig "state" "waiting" "message" "" $o) }}
- {{ dict "name" $c.name "image" $c.image "ready" false "restartCount" 0 "started" false "state" (dict "waiting" (dict "reason" "ImagePullBackOff" "message" $msg)) | toJson }}
{{- else }}
- {{ $o | toJson }}
{{- end }}
{{- end }}
`

// readyConditions sets the pod's Ready and ContainersReady conditions from READY.
const readyConditions = `
conditions:
{{- if READY }}
- {{ dict "type" "Ready" "status" "True" "reason" "" "message" "" "lastTransitionTime" $now | toJson }}
- {{ dict "type" "ContainersReady" "status" "True" "reason" "" "message" "" "lastTransitionTime" $now | toJson }}
{{- else }}
- {{ dict "type" "Ready" "status" "False" "reason" "ContainersNotReady" "message" $unready "lastTransitionTime" $now | toJson }}
- {{ dict "type" "ContainersReady" "status" "False" "reason" "ContainersNotReady" "message" $unready "lastTransitionTime" $now | toJson }}
{{- end }}`

const tplStart = `{{- $now := Now }}{{ $root := . }}` + unready + readyConditions + `
containerStatuses:
{{- range $c := .spec.containers }}
- {{ dict "name" $c.name "image" $c.image "ready" READY "restartCount" 0 "started" true "state" (dict "running" (dict "startedAt" $now)) | toJson }}
{{- end }}
phase: Running
`

// tplExit: the process ended. TERMINAL says whether the restart policy leaves it dead.
const tplExit = `{{- $now := Now }}{{ $root := . }}` + unready + `
{{- $policy := .spec.restartPolicy | default "Always" }}
{{- $terminal := TERMINAL }}
conditions:
- {{ dict "type" "Ready" "status" "False" "reason" (ternary "PodCompleted" "ContainersNotReady" $terminal) "message" (ternary "" $unready $terminal) "lastTransitionTime" $now | toJson }}
- {{ dict "type" "ContainersReady" "status" "False" "reason" (ternary "PodCompleted" "ContainersNotReady" $terminal) "message" (ternary "" $unready $terminal) "lastTransitionTime" $now | toJson }}
containerStatuses:
{{- range $c := .spec.containers }}` + oldStatus + `
- {{ dict "name" $c.name "image" $c.image "ready" false "restartCount" (dig "restartCount" 0 $o) "started" false "lastState" (dig "lastState" (dict) $o) "state" (dict "terminated" (dict "exitCode" EXITCODE "reason" "REASON" "startedAt" (dig "state" "running" "startedAt" $now $o) "finishedAt" $now)) | toJson }}
{{- end }}
phase: {{ ternary "PHASE" "Running" $terminal }}
`

// tplCrashBackOff: the terminated run becomes lastState; the message names the back-off like the kubelet's.
const tplCrashBackOff = `{{- $root := . }}
containerStatuses:
{{- range $c := .spec.containers }}` + oldStatus + `
{{- $rc := atoi (toString (dig "restartCount" 0 $o)) }}
{{- $backoff := index (list 10 20 40 80 160 300) (min 5 (max 0 (sub $rc 1))) }}
{{- $msg := printf "back-off %ds restarting failed container=%s pod=%s_%s(%s)" $backoff $c.name $root.metadata.name $root.metadata.namespace $root.metadata.uid }}
- {{ dict "name" $c.name "image" $c.image "ready" false "restartCount" $rc "started" false "lastState" (dig "state" (dict) $o) "state" (dict "waiting" (dict "reason" "CrashLoopBackOff" "message" $msg)) | toJson }}
{{- end }}
`

// tplRestart: a new run starts; restartCount counts the runs before it.
const tplRestart = `{{- $now := Now }}{{ $root := . }}` + unready + readyConditions + `
containerStatuses:
{{- range $c := .spec.containers }}` + oldStatus + `
{{- $rc := atoi (toString (dig "restartCount" 0 $o)) }}
{{- $last := dig "lastState" (dict) $o }}{{ if hasKey (dig "state" (dict) $o) "terminated" }}{{ $last = dig "state" (dict) $o }}{{ end }}
- {{ dict "name" $c.name "image" $c.image "ready" READY "restartCount" (add $rc 1) "started" true "lastState" $last "state" (dict "running" (dict "startedAt" $now)) | toJson }}
{{- end }}
phase: Running
`
