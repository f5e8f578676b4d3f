package sim

func (s *Simulator) serveARG(c *call)   { armErr(c.w, 501, "NotImplemented", "todo") }
func (s *Simulator) serveGraph(c *call) { armErr(c.w, 501, "NotImplemented", "todo") }

type Truth struct{}

func (s *Simulator) Truth() Truth { return Truth{} }
