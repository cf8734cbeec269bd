// Command vcsim-airgap starts govmomi's vCenter simulator on 127.0.0.1 (ephemeral port, TLS) with the
// distributed switches and portgroups a test describes, for airgap-top's vSphere probe tests.
//
// Usage: vcsim-airgap -spec spec.json -cert-out cert.pem [-page-size N]
//
// It prints one JSON line to stdout ({"url", "certFile", "switches", "portgroups"}) once it serves, and
// runs until stdin closes or it gets SIGTERM/SIGINT (so it never outlives the test that started it).
// The password comes from the spec file, never from the command line.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// portSetting is the part of VMwareDVSPortSetting the tests set: the two security policy shapes.
type portSetting struct {
	SecurityPolicy      *types.DVSSecurityPolicy      `json:"securityPolicy"`
	MacManagementPolicy *types.DVSMacManagementPolicy `json:"macManagementPolicy"`
}

func (p *portSetting) vim() *types.VMwareDVSPortSetting {
	if p == nil {
		return nil
	}
	return &types.VMwareDVSPortSetting{SecurityPolicy: p.SecurityPolicy, MacManagementPolicy: p.MacManagementPolicy}
}

type switchSpec struct {
	Name              string       `json:"name"`
	DefaultPortConfig *portSetting `json:"defaultPortConfig"`
}

type portgroupSpec struct {
	Name              string       `json:"name"`
	Switch            string       `json:"switch"`
	NumPorts          int32        `json:"numPorts"`
	DefaultPortConfig *portSetting `json:"defaultPortConfig"`
	// Omitted: vcsim's own default policy (no overrides allowed).
	Policy *struct {
		SecurityPolicyOverrideAllowed bool  `json:"securityPolicyOverrideAllowed"`
		MacManagementOverrideAllowed  *bool `json:"macManagementOverrideAllowed"`
	} `json:"policy"`
	// Per-port settings keyed by the port's index in the portgroup ("0".."numPorts-1"); other ports
	// carry the portgroup's setting.
	Ports map[string]*portSetting `json:"ports"`
}

type spec struct {
	Username   string          `json:"username"`
	Password   string          `json:"password"`
	Switches   []switchSpec    `json:"switches"`
	Portgroups []portgroupSpec `json:"portgroups"`
}

type started struct {
	URL        string            `json:"url"`
	CertFile   string            `json:"certFile"`
	Switches   map[string]string `json:"switches"`
	Portgroups map[string]string `json:"portgroups"`
}

// pagingCollector adds what Debian's vcsim (govmomi 0.24) lacks and vCenter does: RetrievePropertiesEx
// honours options.maxObjects and hands out a token for ContinueRetrievePropertiesEx. Embedded by value:
// vcsim makes a per-session copy with reflect.New, so a pointer field would be nil there.
type pagingCollector struct {
	simulator.PropertyCollector
}

// pending is what a token still owes: the objects after the page and the page size asked for.
type pending struct {
	objects []types.ObjectContent
	max     int
}

var (
	pagesMu   sync.Mutex
	pages     = map[string]pending{}
	nextToken = 0
	// forcedPageSize (-page-size) caps pages even when the client asks for more, like a busy vCenter.
	forcedPageSize = 0
)

func pageOf(objects []types.ObjectContent, max int) *types.RetrieveResult {
	if forcedPageSize > 0 && (max <= 0 || max > forcedPageSize) {
		max = forcedPageSize
	}
	if max <= 0 || len(objects) <= max {
		return &types.RetrieveResult{Objects: objects}
	}
	pagesMu.Lock()
	defer pagesMu.Unlock()
	nextToken++
	token := "page-" + strconv.Itoa(nextToken)
	pages[token] = pending{objects: objects[max:], max: max}
	return &types.RetrieveResult{Objects: objects[:max], Token: token}
}

func (pc *pagingCollector) RetrievePropertiesEx(ctx *simulator.Context, r *types.RetrievePropertiesEx) soap.HasFault {
	res := pc.PropertyCollector.RetrievePropertiesEx(ctx, r)
	body, ok := res.(*methods.RetrievePropertiesExBody)
	if !ok || body.Res == nil || body.Res.Returnval == nil {
		return res
	}
	body.Res.Returnval = pageOf(body.Res.Returnval.Objects, int(r.Options.MaxObjects))
	return body
}

func (pc *pagingCollector) ContinueRetrievePropertiesEx(ctx *simulator.Context, r *types.ContinueRetrievePropertiesEx) soap.HasFault {
	body := &methods.ContinueRetrievePropertiesExBody{}
	pagesMu.Lock()
	rest, ok := pages[r.Token]
	delete(pages, r.Token)
	pagesMu.Unlock()
	if !ok {
		body.Fault_ = simulator.Fault("unknown token", &types.InvalidArgument{InvalidProperty: "token"})
		return body
	}
	page := pageOf(rest.objects, rest.max)
	body.Res = &types.ContinueRetrievePropertiesExResponse{Returnval: *page}
	return body
}

func main() {
	specPath := flag.String("spec", "", "JSON scenario file")
	certOut := flag.String("cert-out", "", "where to write the server certificate (PEM)")
	pageSize := flag.Int("page-size", 0, "cap every RetrievePropertiesEx page at N objects even if the client asks for more")
	govcJSON := flag.String("govc-json", "", "also write the inventory as govc (< 0.31, PascalCase) prints it: collect -json -type, dvs.portgroup.info -json")
	flag.Parse()
	forcedPageSize = *pageSize
	if err := run(*specPath, *certOut, *govcJSON); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim-airgap:", err)
		os.Exit(1)
	}
}

func run(specPath, certOut, govcJSON string) error {
	raw, err := ioutil.ReadFile(specPath)
	if err != nil {
		return err
	}
	var sc spec
	if err := json.Unmarshal(raw, &sc); err != nil {
		return fmt.Errorf("spec: %w", err)
	}

	model := simulator.VPX()
	model.Portgroup = 0 // no DVS0/DC0_DVPG0: the scenario decides every switch and portgroup
	if err := model.Create(); err != nil {
		return err
	}
	defer model.Remove()

	// Swap in the paging collector for the root PropertyCollector singleton.
	si := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance)
	pc := &pagingCollector{}
	pc.Self = si.Content.PropertyCollector
	simulator.Map.Put(pc)

	model.Service.TLS = new(tls.Config) // vcsim then serves httptest's localhost certificate (SAN 127.0.0.1)
	model.Service.Listen = &url.URL{User: url.UserPassword(sc.Username, sc.Password)}
	server := model.Service.NewServer()
	defer server.Close()

	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw})
	if err := ioutil.WriteFile(certOut, cert, 0o600); err != nil {
		return err
	}

	ctx := context.Background()
	out, err := populate(ctx, server.URL, &sc)
	if err != nil {
		return err
	}
	if govcJSON != "" {
		if err := writeGovcJSON(ctx, server.URL, govcJSON); err != nil {
			return fmt.Errorf("govc json: %w", err)
		}
	}
	public := *server.URL
	public.User = nil
	out.URL = public.String()
	out.CertFile = certOut
	line, _ := json.Marshal(out)
	fmt.Println(string(line))

	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(ioutil.Discard, os.Stdin)
		close(done)
	}()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-done:
	case <-signals:
	}
	return nil
}

// populate creates the scenario's switches and portgroups through the SOAP API, as a vSphere admin would.
func populate(ctx context.Context, u *url.URL, sc *spec) (*started, error) {
	client, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		return nil, fmt.Errorf("login to the simulator: %w", err)
	}
	defer func() { _ = client.Logout(ctx) }()

	finder := find.NewFinder(client.Client, false)
	dc, err := finder.DefaultDatacenter(ctx)
	if err != nil {
		return nil, err
	}
	folders, err := dc.Folders(ctx)
	if err != nil {
		return nil, err
	}
	out := &started{Switches: map[string]string{}, Portgroups: map[string]string{}}
	switches := map[string]*object.DistributedVirtualSwitch{}
	for _, sw := range sc.Switches {
		configSpec := &types.VMwareDVSConfigSpec{DVSConfigSpec: types.DVSConfigSpec{Name: sw.Name}}
		if setting := sw.DefaultPortConfig.vim(); setting != nil {
			configSpec.DefaultPortConfig = setting // a nil *T in the interface would not be nil
		}
		task, err := folders.NetworkFolder.CreateDVS(ctx, types.DVSCreateSpec{ConfigSpec: configSpec})
		if err != nil {
			return nil, err
		}
		info, err := task.WaitForResult(ctx)
		if err != nil {
			return nil, fmt.Errorf("switch %s: %w", sw.Name, err)
		}
		ref := info.Result.(types.ManagedObjectReference)
		switches[sw.Name] = object.NewDistributedVirtualSwitch(client.Client, ref)
		out.Switches[sw.Name] = ref.Value
	}

	for _, pg := range sc.Portgroups {
		dvs, ok := switches[pg.Switch]
		if !ok {
			return nil, fmt.Errorf("portgroup %s: unknown switch %q", pg.Name, pg.Switch)
		}
		pgSpec := types.DVPortgroupConfigSpec{Name: pg.Name, NumPorts: pg.NumPorts, Type: "earlyBinding"}
		if setting := pg.DefaultPortConfig.vim(); setting != nil {
			pgSpec.DefaultPortConfig = setting
		}
		if pg.Policy != nil {
			pgSpec.Policy = &types.VMwareDVSPortgroupPolicy{
				DVPortgroupPolicy:             types.DVPortgroupPolicy{BlockOverrideAllowed: true, PortConfigResetAtDisconnect: true},
				SecurityPolicyOverrideAllowed: pg.Policy.SecurityPolicyOverrideAllowed,
				MacManagementOverrideAllowed:  pg.Policy.MacManagementOverrideAllowed,
			}
		}
		task, err := dvs.AddPortgroup(ctx, []types.DVPortgroupConfigSpec{pgSpec})
		if err != nil {
			return nil, err
		}
		if _, err := task.WaitForResult(ctx); err != nil {
			return nil, fmt.Errorf("portgroup %s: %w", pg.Name, err)
		}
	}

	// FetchDVPorts in vcsim answers from FetchDVPortsResponse when it is set: give every port its
	// portgroup key and its effective setting (the portgroup's, or the scenario's per-port override),
	// with keys unique per switch as on vCenter.
	for name, dvs := range switches {
		sim := simulator.Map.Get(dvs.Reference()).(*simulator.DistributedVirtualSwitch)
		var ports []types.DistributedVirtualPort
		next := 0
		for _, pgRef := range sim.Portgroup {
			pg := simulator.Map.Get(pgRef).(*simulator.DistributedVirtualPortgroup)
			out.Portgroups[pg.Name] = pgRef.Value
			overrides := map[string]*portSetting{}
			for _, p := range sc.Portgroups {
				if p.Name == pg.Name && p.Switch == name {
					overrides = p.Ports
				}
			}
			for _, local := range pg.PortKeys {
				setting := pg.Config.DefaultPortConfig
				if o, ok := overrides[local]; ok && o != nil {
					setting = o.vim()
				}
				ports = append(ports, types.DistributedVirtualPort{
					DvsUuid:      sim.Uuid,
					Key:          strconv.Itoa(next),
					PortgroupKey: pg.Key,
					Config:       types.DVPortConfigInfo{Setting: setting},
				})
				next++
			}
		}
		sim.FetchDVPortsResponse.Returnval = ports
	}
	return out, nil
}

// writeGovcJSON writes what `govc collect -json -type DistributedVirtualPortgroup -type
// VmwareDistributedVirtualSwitch / PATHS...` and `govc dvs.portgroup.info -json SWITCH` print with a
// govc built on this govmomi (encoding/json over vim25 types without json tags: PascalCase, one
// ObjectUpdate per line), so offline tests read the same inventory the live tests read.
func writeGovcJSON(ctx context.Context, u *url.URL, path string) error {
	client, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		return err
	}
	defer func() { _ = client.Logout(ctx) }()

	// vcsim's switches are the base DistributedVirtualSwitch (vCenter's: VmwareDistributedVirtualSwitch).
	kinds := []string{"DistributedVirtualPortgroup", "DistributedVirtualSwitch"}
	v, err := view.NewManager(client.Client).CreateContainerView(ctx, client.ServiceContent.RootFolder, kinds, true)
	if err != nil {
		return err
	}
	defer func() { _ = v.Destroy(ctx) }()
	paths := map[string][]string{
		"DistributedVirtualPortgroup": {"name", "config.key", "config.distributedVirtualSwitch", "config.defaultPortConfig", "config.policy"},
		"DistributedVirtualSwitch":    {"name", "uuid", "config.defaultPortConfig", "config.uplinkPortgroup"},
	}
	filter := types.PropertyFilterSpec{
		ObjectSet: []types.ObjectSpec{{
			Obj:       v.Reference(),
			Skip:      types.NewBool(true),
			SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "ContainerView", Path: "view"}},
		}},
	}
	for _, kind := range kinds {
		filter.PropSet = append(filter.PropSet, types.PropertySpec{Type: kind, PathSet: paths[kind]})
	}
	res, err := property.DefaultCollector(client.Client).RetrieveProperties(ctx, types.RetrieveProperties{SpecSet: []types.PropertyFilterSpec{filter}})
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	var switches []types.ManagedObjectReference
	for _, oc := range res.Returnval {
		update := types.ObjectUpdate{Kind: types.ObjectUpdateKindEnter, Obj: oc.Obj}
		for _, p := range oc.PropSet {
			update.ChangeSet = append(update.ChangeSet, types.PropertyChange{Name: p.Name, Op: types.PropertyChangeOpAssign, Val: p.Val})
		}
		if err := enc.Encode(update); err != nil {
			return err
		}
		if oc.Obj.Type != "DistributedVirtualPortgroup" {
			switches = append(switches, oc.Obj)
		}
	}
	for _, ref := range switches {
		ports, err := methods.FetchDVPorts(ctx, client.Client, &types.FetchDVPorts{This: ref, Criteria: &types.DistributedVirtualSwitchPortCriteria{}})
		if err != nil {
			return err
		}
		if err := enc.Encode(struct {
			Port []types.DistributedVirtualPort
		}{ports.Returnval}); err != nil {
			return err
		}
	}
	return nil
}
